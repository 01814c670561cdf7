# settings: strict_variables=true
notify { 'r': message => "${facts['nope']}" }

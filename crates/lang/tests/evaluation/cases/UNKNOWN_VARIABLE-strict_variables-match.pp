# settings: strict_variables=true
notify { 'r': message => "${1}" }

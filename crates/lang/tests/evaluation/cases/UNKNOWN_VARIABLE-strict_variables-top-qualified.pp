# settings: strict_variables=true
notify { 'r': message => $::nope }

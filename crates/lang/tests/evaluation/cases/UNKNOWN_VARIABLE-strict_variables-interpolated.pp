# settings: strict_variables=true
notify { 'r': message => "x${nope}y" }

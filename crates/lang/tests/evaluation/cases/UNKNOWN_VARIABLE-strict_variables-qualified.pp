# settings: strict_variables=true
class c { $a = 1 }
include c
notify { 'r': message => $c::nope }

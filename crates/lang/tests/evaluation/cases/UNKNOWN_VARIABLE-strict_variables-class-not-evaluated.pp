# settings: strict_variables=true
class c { $a = 1 }
notify { 'r': message => $c::a }

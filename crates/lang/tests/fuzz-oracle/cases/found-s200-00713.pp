Notify { loglevel => notice }
notify { 'n1': message => Any.filter |$x| { $x } }
case !false {
  0: { notify { 'n2': message => ([] << 2) } }
  default: { notify { 'n3': message => ['10'] } }
}
define d3(Boolean $x = false) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5', 'n6']: x => (false and true) }
notify { 'n7': message => 7 }
class c0(Optional[Boolean] $p) {
  notify { 'n8': message => $p }
  notify { 'n9': message => "${p}-${title}-${name}" }
}
include c0

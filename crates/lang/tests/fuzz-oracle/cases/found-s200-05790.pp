define d0( $x = false) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => false }
if Boolean('true') {
  notify { 'n4': message => true }
} else {
  notify { 'n5': message => -true }
}
notify { 'n6': message => Array('42', true) }
case sort([10, 'x y', 3]) {
  /^a/, 'true': { notify { 'n7': message => ['true', 'é', 0].reduce({}) |$m, $v| { $m + { "${v}" => $v } } } }
  default: { notify { 'n8': message => {} } }
}
class c0(Struct[{ 'a' => Integer }] $p) {
  notify { 'n9': message => $p }
  notify { 'n10': message => "${p}-${title}-${name}" }
}
class { 'c0': }

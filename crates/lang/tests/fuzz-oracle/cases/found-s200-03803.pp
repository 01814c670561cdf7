case [].map |$x| { "${x}" }[0] {
  /^a/, 100: { notify { 'n1': message => {'d' => 10, 'c' => 'b'} } }
  default: { notify { 'n2': message => ['a', 100] } }
}
define d2(Hash $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']:  }
case ({'b' => 'true'} + {}) {
  2, 'A': { notify { 'n6': message => 2 } }
  default: { notify { 'n7': message => false } }
}
notify { 'n8': message => Array[String, 1][['A', 1, '']] }
class c0( $p = true) {
  notify { 'n9': message => $p }
  notify { 'n10': message => "${p}-${title}-${name}" }
}
class { 'c0': }

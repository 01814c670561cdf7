class c0(Scalar $p) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': p => !false }
define d2( $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']: x => String(type({'d' => 'Hello'})) }

define d0(Numeric $x = 10) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => (7 >> 1) }
if (7 > 0) {
  notify { 'n4': message => String(type({'c' => 10}, generalized)) }
} else {
  notify { 'n5': message => Array({'d' => '', 'a' => 'true'}, true) }
}
$v0 = {'d' => '10'}.map |$k, $v| { $k }.reduce({}) |$m, $v| { $m + { "${v}" => $v } }
class c0( $p) {
  notify { 'n6': message => $p }
  notify { 'n7': message => "${p}-${title}-${name}" }
}
class { 'c0': p => ($v0 - ['a']) }
class c1( $p = 100) {
  notify { 'n8': message => $p }
  notify { 'n9': message => "${p}-${title}-${name}" }
}
class { 'c1': }
notify { 'n10': }
notify { 'n11': }
Notify['n10'] -> Notify['n11']

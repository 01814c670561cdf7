notify { 'n1': message => Integer[5].each |$x| { $x } }
notify { 'n2': message => ({'b' => 'A'} - 3.step(2).map |$x| { $x }) }
class c0(Numeric $p) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
include c0
define d4(Data $x) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']: x => (flatten({'c' => '42', 'd' => 3, 'a' => 10}) == true[Integer]) }
$v0 = 42
unless ('42' == 'Hello') {
  notify { 'n8': message => {'a' => $v0} }
} else {
  notify { 'n9': message => ['42', 100, $v0].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}

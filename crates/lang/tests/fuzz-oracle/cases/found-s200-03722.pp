define d0(Array[Variant[Integer, String]] $x = [100, 'abc', 0]) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => ['x y', 100].map |$x| { 0 } }
Integer[1, 2].each |$v| {
  notify { "n4-${v}": message => (true or true) }
}
$v0 = (({'a' => 'ab,cd'} + {'b' => 1}) - {}.filter |$k, $v| { $k == 'a' })
define d4(Scalar $x = 'é') {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']: x => String(type($v0)) }
Notify { withpath => notice }
notify { 'n8': message => min(42, -5) }

define d0(Array[Integer] $x = [-1]) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => values({'c' => 'a', 'b' => '10', 'd' => '0x1F'}) }
$v0 = abs(abs(0))
case false {
  2, Hash[String, Array[Integer]]: { notify { 'n4': message => 'abc' } }
  default: { notify { 'n5': message => ({'b' => 0, 'a' => 'Hello', 'c' => $v0} / true) } }
}
notify { 'n6': }
notify { 'n7': }
Notify['n6'] <~ Notify['n7']
case regsubst('0x1F', 'a', 'X', 'G') {
  /^a/, 'a': { notify { 'n8': message => 'abc' } }
  default: { notify { 'n9': message => ({'a' => 'a', 'b' => 7} =~ [100, 'abc', $v0]) } }
}
if empty('x y') {
  notify { 'n10': message => Integer[0, 3].map |$i| { $i * 2 } }
} else {
  notify { 'n11': message => empty('') }
}

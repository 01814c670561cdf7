$v0 = sprintf('%x', (100 % 2))
define d0(Data $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => 100 }
case { 'ab,cd' => {}, 'z' => false } {
  Tuple[Integer, String], '3.5': { notify { 'n3': message => ({'d' => $v0, 'c' => 10, 'a' => 100} - {'c' => -5, 'd' => 'x y', 'b' => $v0}) } }
  default: { notify { 'n4': message => {'b' => '10', 'a' => 3}[true] } }
}
$v1 = abs((42 + 0))
case "${$v0}-${(false)}" {
  '3.5', Hash[String, Array[Integer]]: { notify { 'n5': message => $v0 } }
  default: { notify { 'n6': message => Boolean({'c' => 2, 'b' => 3, 'd' => $v1}) } }
}

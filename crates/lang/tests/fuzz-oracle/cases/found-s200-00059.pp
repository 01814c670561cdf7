notify { 'n1': message => { 'A' => -'0x1F', 'z' => [0] } }
define d1(Any $x = 3) {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3']: x => (42 << 3) }
notify { 'n4': message => 'true'['42'] }
case [0] {
  42: { notify { 'n5': message => !true } }
  default: { notify { 'n6': message => 10 } }
}
[1, 2, 3].each |$i, $v| {
  notify { "n7-${i}": message => 'Hello'.each |$x| { $x } }
}
Notify { tag => true }
notify { 'n8': message => (['Hello', '0x1F'] - ['abc']) }

define d0(Any $x = -1) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => 1 }
notify { 'n4': message => Integer(Enum['a', 'b']) }
[1, 2, 3].each |$i, $v| {
  notify { "n5-${i}": message => {'d' => '42', 'c' => '42', 'b' => '10'} }
}
notify { 'n6': }
notify { 'n7': }
Notify['n6'] <- Notify['n7']
if Boolean('yes') {
  notify { 'n8': message => ({'b' => 'A', 'd' => 'x y', 'a' => 'Hello'} + {'b' => 2, 'c' => 7, 'a' => ''}) }
} else {
  notify { 'n9': message => [].reverse_each.map |$x| { $x } }
}

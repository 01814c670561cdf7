notify { 'n1': message => (default < default) }
notify { 'n2': message => 'x y' }
notify { 'n3': message => { '10' => {'b' => 1, 'a' => 'abc'}, 'z' => true } }
notify { 'n4': message => 0.step(1).map |$x| { $x } }
unless (100 > 10) {
  notify { 'n5': message => empty({'c' => 1, 'd' => 2}) }
} else {
  notify { 'n6': message => 'a'.each |$x| { $x } }
}
Integer[1, 2].each |$i, $v| {
  notify { "n7-${i}": message => '0x1F' }
}
define d7(Scalar $x) {
  notify { "${title}-n8": message => $x }
}
d7 { ['n9']: x => true }

notify { 'n1': message => empty('A') }
notify { 'n2': message => 3 }
notify { 'n3': message => abs(2) }
notify { 'n4': message => String(true) }
3.each |$v| {
  notify { "n5-${v}": message => strip('A') }
}
[1, 2, 3].each |$v| {
  notify { "n6-${v}": message => Boolean({'c' => '0x1F', 'a' => -5}) }
}
define d6(Integer $x) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8']: x => ({'a' => 0, 'd' => 'b', 'b' => 'x y'} - ['Hello', -5, '42']) }

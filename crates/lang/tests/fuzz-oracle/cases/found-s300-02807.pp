notify { 'n1': message => assert_type(Iterable, ['', 'Hello']) }
notify { 'n2': message => ([7] - ['a', 7]) }
if ('b' =~ /[0-9]+/) {
  notify { 'n3': message => {'d' => '10', 'a' => '0x1F'} }
} else {
  notify { 'n4': message => {'a' => 1, 'c' => 1} }
}
$v0 = sprintf('%05d', if false { -1 } else { 1 })
define d4(Struct[{ 'a' => Integer }] $x = {'c' => 0}) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']: x => ['', ''].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }

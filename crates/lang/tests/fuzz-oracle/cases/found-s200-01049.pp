Integer[1, 2].each |$v| {
  notify { "n1-${v}": message => ({'d' => 'ab,cd', 'c' => 10, 'b' => 'ab,cd'} + {'a' => 10, 'b' => '0x1F'}) }
}
notify { 'n2': message => '10' }
if ['b', 2].any |$x| { $x == 0 } {
  notify { 'n3': message => upcase(0) }
} else {
  notify { 'n4': message => Integer('010') }
}
define d4(Variant[Integer, String] $x = 'A') {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']: x => sprintf('%d', 42) }
notify { 'n8': message => String(type([].reverse_each.map |$x| { $x })) }
notify { 'n9': message => ['', 3].all |$x| { $x =~ Integer } }
notify { 'n10': message => [1, '10'] }

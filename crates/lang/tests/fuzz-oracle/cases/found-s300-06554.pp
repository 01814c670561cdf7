notify { 'n1': message => (max(42, 100) == min(100, 2)) }
define d1(Boolean $x = true) {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3']: x => Boolean(0) }
3.each |$i, $v| {
  notify { "n4-${i}": message => (Numeric[default] == []) }
}
notify { 'n5': message => {'b' => 2, 'c' => 100, 'd' => -5}.map |$k, $v| { $k }.all |$x| { $x =~ Integer } }

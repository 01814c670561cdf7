define d0(String $x = 'Hello') {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => ''[0] }
notify { 'n4': message => assert_type(Scalar, Any) }
notify { 'n5': message => ({'b' => '0x1F', 'a' => -1} + {'b' => 3, 'd' => '3.5', 'c' => -1}).filter |$k, $v| { $k < 'b' } }
if (3 in ['10', 'A', 10]) {
  notify { 'n6': message => "${'0x1F'}-${(false)}" }
} else {
  notify { 'n7': message => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
case { '10' => {'c' => 1, 'b' => 'x y'}, 'z' => (undef * 2.5) } {
  Pattern[/^a/]: { notify { 'n8': message => keys({'c' => 0, 'b' => -5}) } }
  default: { notify { 'n9': message => {'d' => '0x1F', 'a' => 2} } }
}
notify { 'n10': message => Array(['Hello', '10'], true) }
notify { 'n11': message => 'true'[0, 2] }

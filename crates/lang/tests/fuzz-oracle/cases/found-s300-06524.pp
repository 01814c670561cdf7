unless (Boolean({'d' => '10', 'b' => 'ab,cd', 'c' => '0x1F'}) =~ Enum['a', 'b']) {
  notify { 'n1': message => assert_type(Tuple[Integer, String], 10) }
} else {
  notify { 'n2': message => ({} - {'c' => 'b', 'b' => 42, 'd' => 'Hello'}) }
}
Notify { withpath => x }
notify { 'n3': message => (0 >> 1) }
$v0 = "${'ab,cd'}-${(true)}"
$v1 = (max(0, 42) / 7)
$v2 = $v1

case ({'c' => ''} - default) {
  42: { notify { 'n1': message => 2.5.filter |$x| { $x } } }
  default: { notify { 'n2': message => assert_type(Integer[5], undef) } }
}
notify { 'n3': message => false }
notify { 'n4': message => ('42' != 'a') }
Integer[1, 2].each |$v| {
  notify { "n5-${v}": message => [10, '42', 10][1, -1] }
}
$v0 = strip(String({}))

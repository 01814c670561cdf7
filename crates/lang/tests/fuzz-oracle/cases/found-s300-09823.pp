$v0 = ({'a' => '42'} - { 'b' => ['true'], 'z' => ({} - '42') })
case min(0, 42) {
  2, '0x1F': { notify { 'n1': message => Hash([['a', 1]]) } }
  default: { notify { 'n2': message => assert_type(Enum['a', 'b'], 3) } }
}
if (-1 in [1, 100]) {
  notify { 'n3': message => {'a' => 10}.filter |$k, $v| { $k == 'd' } }
} else {
  notify { 'n4': message => (['10', '42', 42] << false) }
}

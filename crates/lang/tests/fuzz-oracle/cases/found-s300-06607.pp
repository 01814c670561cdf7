Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n1-${v}": message => assert_type(Array[Integer], [-1]) }
}
notify { 'n2': message => ([].reduce({}) |$m, $v| { $m + { "${v}" => $v } } + {'d' => 'x y', 'b' => 'abc'}.filter |$k, $v| { $k < 'c' }) }
notify { 'n3': message => regsubst(String(type(true, generalized)), '[0-9]', 'X', 'G') }
case ('10' == 'ab,cd') {
  Iterable, 2: { notify { 'n4': message => ('10' in '10') } }
  default: { notify { 'n5': message => [] } }
}
[1, 2, 3].each |$v| {
  notify { "n6-${v}": message => split('3.5', '')[0] }
}
define d6( $x) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8', 'n9']: x => ['b', 100][5, 1] }

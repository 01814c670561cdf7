$v0 = ([2, 1, 'true'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } + Hash(['a', 1, 'b', 2]))
$v1 = ([-5] + []).reduce({}) |$m, $v| { $m + { "${v}" => $v } }
notify { 'n1': message => Boolean({'a' => 0, 'b' => 'ab,cd', 'c' => 7}) }
case String(type($v0, generalized)) {
  '': { notify { 'n2': message => [] } }
  default: { notify { 'n3': message => assert_type(String[1], undef) } }
}
$v2 = (if false { 0 } else { -1 } in split('true', ','))

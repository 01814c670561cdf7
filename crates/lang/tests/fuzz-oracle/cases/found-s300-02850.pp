case [0, 2, 7][1] {
  Integer[5], 10: { notify { 'n1': message => [100, 1, 100][1] } }
  default: { notify { 'n2': message => [0, -5] } }
}
$v0 = ''
case ({'b' => 0, 'a' => 1} - []) {
  Integer: { notify { 'n3': message => ({'c' => -5} + {'c' => 1, 'a' => $v0, 'b' => 10}) } }
  default: { notify { 'n4': message => 0 } }
}
notify { 'n5': message => String(type(['42', 'true'].reduce({}) |$m, $v| { $m + { "${v}" => $v } }, generalized)) }

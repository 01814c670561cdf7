notify { 'n1': message => String(2.5) }
$v0 = {}.filter |$k, $v| { $k == 'a' }
[1, 2, 3].each |$i, $v| {
  notify { "n2-${i}": message => [$v].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
notify { 'n3': message => String(type(values($v0), generalized)) }

3.each |$i, $v| {
  notify { "n1-${i}": message => [7, 'a'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
if empty({'d' => 7}) {
  notify { 'n2': message => [7, -5, 10][-1] }
} else {
  notify { 'n3': message => 'true'[1] }
}
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n4-${v}": message => String(type([$v, 'b'], generalized)) }
}
notify { 'n5': }
notify { 'n6': }
Notify['n5'] <- Notify['n6']

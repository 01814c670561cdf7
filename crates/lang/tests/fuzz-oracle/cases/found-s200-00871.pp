[1, 2, 3].each |$i, $v| {
  notify { "n1-${i}": message => {} }
}
[1, 2, 3].each |$i, $v| {
  notify { "n2-${i}": message => {'b' => 'Hello', 'a' => 'A'}[[$v, 'a']] }
}
if ('' in ['x y']) {
  notify { 'n3': message => ('A' == 'b') }
} else {
  notify { 'n4': message => Boolean[{}] }
}
$v0 = keys({'b' => 42, 'c' => 'é'})
unless true {
  notify { 'n5': message => [3].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
} else {
  notify { 'n6': message => String(true) }
}

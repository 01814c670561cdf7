$v0 = capitalize([].map |$x| { "${x}" }[0])
if ('3.5' > $v0) {
  notify { 'n1': message => [42, 10, 100].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
} else {
  notify { 'n2': message => '0x1F' }
}
Integer[1, 2].each |$i, $v| {
  notify { "n3-${i}": message => String(type(false, generalized)) }
}
case [3, '42', -5] {
  String, /^a/: { notify { 'n4': message => {'b' => $v0} } }
  default: { notify { 'n5': message => 3 } }
}

[1, 2, 3].each |$v| {
  notify { "n1-${v}": message => String(type({'d' => $v, 'b' => 100, 'a' => 'b'}, generalized)) }
}
case Boolean('yes') {
  Array, '42': { notify { 'n2': message => [0, 7].all |$x| { $x =~ Integer } } }
  default: { notify { 'n3': message => 'A' } }
}
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n4-${v}": message => Hash(['a', 1, 'b', 2]) }
}
[1].reverse_each.map |$x| { $x }.each |$v| {
  notify { "n5-${v}": message => ({'b' => $v, 'c' => '3.5', 'd' => 1} + {}) }
}
notify { 'n6': }
notify { 'n7': }
Notify['n6'] -> Notify['n7']

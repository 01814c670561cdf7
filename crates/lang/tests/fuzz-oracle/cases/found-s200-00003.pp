unless (0 in []) {
  notify { 'n1': message => ['', 'abc'].filter |$x| { $x =~ Integer[1] } }
} else {
  notify { 'n2': message => max(3, -1) }
}
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n3-${v}": message => split('true', ',') }
}
notify { 'n4': message => String(type(['a'].reverse_each.map |$x| { $x }, generalized)) }

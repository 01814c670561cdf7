if ('42' == false) {
  notify { 'n1': message => (-1 in []) }
} else {
  notify { 'n2': message => Hash([]) }
}
$v0 = sprintf('%x', (100 / 7))
unless ('10' =~ /a/) {
  notify { 'n3': message => ['A'].map |$x| { $x } }
} else {
  notify { 'n4': message => sprintf('%d', 42) }
}
notify { 'n5': message => regsubst(String(type(['b', 1], generalized)), 'a', 'X') }

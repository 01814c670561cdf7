Integer[1, 2].each |$i, $v| {
  notify { "n1-${i}": message => 'true'.each |$x| { $x } }
}
case abs(-1) {
  /^a/, /^a/: { notify { 'n2': message => regsubst('abc', '^', 'X', 'G') } }
  default: { notify { 'n3': message => ['true'] } }
}
notify { 'n4': message => (keys({}) - sort(['é', 2, 'b'])) }
case (true or false) {
  'a': { notify { 'n5': message => "${'true'}-${(true)}" } }
  default: { notify { 'n6': message => false } }
}

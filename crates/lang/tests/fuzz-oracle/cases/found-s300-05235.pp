define d0( $x = false) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']:  }
notify { 'n4': message => (['true', 3] =~ Array) }
notify { 'n5': message => String(type(['A', 100], generalized)) }
define d5(Scalar $x = 2) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7', 'n8']: x => abs(2) }
[1, 2, 3].each |$v| {
  notify { "n9-${v}": message => [] }
}
unless ['10', 10].any |$x| { $x == 2 } {
  notify { 'n10': message => ({'d' => 'abc'} + {'d' => 'b'}) }
} else {
  notify { 'n11': message => -2 }
}

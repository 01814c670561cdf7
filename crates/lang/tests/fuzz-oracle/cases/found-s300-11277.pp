notify { 'n1': message => ({} + {'d' => '10', 'c' => 'abc', 'a' => 'A'}) }
notify { 'n2': message => [42, '0x1F', 1] }
define d2(Boolean $x = true) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']:  }
define d4(Optional[Boolean] $x) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6']: x => (({} - undef) == 'x y') }
define d6(Scalar $x = true) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8', 'n9']: x => (1 == 'A') }
Integer[1, 2].each |$v| {
  notify { "n10-${v}": message => true ? { true => $v, default => $v } }
}
notify { 'n11': }
notify { 'n12': }
Notify['n11'] ~> Notify['n12']

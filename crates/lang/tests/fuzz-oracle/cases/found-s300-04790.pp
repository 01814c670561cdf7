notify { 'n1': message => (1 + -5) }
notify { 'n2': message => ({} + {'d' => 3, 'a' => 'A'}) }
unless (10 != 42) {
  notify { 'n3': message => Boolean(0) }
} else {
  notify { 'n4': message => String(type([1, '10'], generalized)) }
}
define d4(Integer $x = 1) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']: x => 42 }

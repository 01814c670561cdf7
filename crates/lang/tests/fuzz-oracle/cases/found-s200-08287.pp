define d0(Data $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => true }
([] << '').each |$i, $v| {
  notify { "n4-${i}": message => 42 }
}
notify { 'n5': message => String(/a/) }

define d0( $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => true }
case (0 == 1) {
  'é': { notify { 'n4': message => (-1 % 1) } }
  default: { notify { 'n5': message => ['3.5'] } }
}
Integer[1, 2].each |$i, $v| {
  notify { "n6-${i}": message => Integer({'b' => 100}) }
}
define d6(Float $x) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8']: x => --1 }

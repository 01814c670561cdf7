['a', 'b'].each |$v| {
  notify { "n1-${v}": message => Integer(Optional[String]) }
}
Integer[1, 2].each |$v| {
  notify { "n2-${v}": message => $v }
}
$v0 = 3.step(1).map |$x| { $x }
define d2(Undef $x = {'a' => 1}) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']: x => ({} + {}) }
unless (true or true) {
  notify { 'n6': message => ('abc' < 'a') }
} else {
  notify { 'n7': message => ('' in 'true') }
}

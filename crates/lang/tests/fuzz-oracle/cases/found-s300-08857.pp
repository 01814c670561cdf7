unless (true or false) {
  notify { 'n1': message => Integer(true) }
} else {
  notify { 'n2': message => '' }
}
define d2(String $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']: x => String(type([100, 'b'], generalized)) }
unless (false and true) {
  notify { 'n6': message => ['abc', 3, 'x y'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
} else {
  notify { 'n7': message => [0, -1, -5][5] }
}
define d7( $x = 100) {
  notify { "${title}-n8": message => $x }
}
d7 { ['n9']: x => abs(-5) }

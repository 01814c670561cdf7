notify { 'n1': message => String(type({ '' => '42', 'z' => {} }, generalized)) }
$v0 = [-1, -1]
notify { 'n2': message => ['x y', ''].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n3': message => split('b', 'b')[0] }
unless ('true' == '10') {
  notify { 'n4': message => (-1 % 2) }
} else {
  notify { 'n5': message => 42 }
}
define d5( $x = {'b' => '10'}) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7', 'n8']: x => {'a' => '42', 'd' => 'é', 'c' => 7} }
$v1 = (3 in keys({'d' => 'a', 'b' => 7}))

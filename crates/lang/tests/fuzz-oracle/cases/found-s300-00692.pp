define d0(Integer[0, 10] $x = 42) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => Integer(true) }
$v0 = {}
$v1 = 'A'
$v2 = { $v1 => "a-${3}", 'z' => true }
define d2( $x = $v1) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']: x => String(type([$v1], generalized)) }

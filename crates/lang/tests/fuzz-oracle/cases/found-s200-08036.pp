notify { 'n1': message => min((0 << 3), (3 >> 1)) }
$v0 = -1
define d1(Scalar $x = 'true') {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3']: x => String(type({'a' => 2, 'c' => -1, 'd' => $v0})) }

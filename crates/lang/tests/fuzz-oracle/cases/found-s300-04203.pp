notify { 'n1': message => String(type({}, generalized)) }
notify { 'n2': message => ['b', 'true', 3] }
$v0 = false
define d2( $x = '42') {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']: x => sprintf('%o', -1) }

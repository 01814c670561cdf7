notify { 'n1': message => ('A'[0] =~ /a/) }
notify { 'n2': message => "${3}" }
notify { 'n3': message => keys({}) }
define d3(Scalar $x) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5']: x => false }
define d5(Hash[String, Array[Integer]] $x) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7']: x => ({'a' => '0x1F', 'b' => 'é', 'c' => '10'} + {'a' => 7, 'c' => 'x y', 'd' => 'é'}) }
case Boolean([7, 100, 'é']) {
  'ab,cd', Enum['a', 'b']: { notify { 'n8': message => {'b' => 0, 'c' => '42', 'd' => 0} } }
  default: { notify { 'n9': message => 1 } }
}

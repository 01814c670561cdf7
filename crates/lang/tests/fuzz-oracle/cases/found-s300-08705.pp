$v0 = {'d' => 10, 'b' => 'true', 'a' => 'true'}
notify { 'n1': message => '42' }
notify { 'n2': message => (false =~ Hash[String, Integer]) }
define d2(Enum['a', 'b', 'abc'] $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => String(type(['true', 42], generalized)) }

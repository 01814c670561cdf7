case abs(-5) {
  Regexp: { notify { 'n1': message => min(2, -1) } }
  default: { notify { 'n2': message => {'a' => 3, 'c' => 'true', 'b' => 1} } }
}
notify { 'n3': message => ([] - []) }
notify { 'n4': message => {} }
notify { 'n5': message => true ? { true => 100, default => 100 } }
notify { 'n6': message => 0 }
$v0 = (true ? { true => 100, default => 2 } << 0)
define d6(Optional[String] $x = 'b') {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8']: x => String(type([$v0], generalized)) }

define d0( $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => String(type({'a' => '42', 'd' => 'x y', 'c' => 42})) }
case 'Hello'[0] {
  Enum['a', 'b'], 'Hello': { notify { 'n4': message => ('abc' =~ /a/) } }
  default: { notify { 'n5': message => 100 } }
}
notify { 'n6': message => Integer('42') }
notify { 'n7': message => 'abc' }
notify { 'n8': message => 0 }

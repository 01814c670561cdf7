define d0(Struct[{ 'a' => Integer }] $x = {'a' => '42'}) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => {}.filter |$k, $v| { $k != 'b' } }
notify { 'n4': }
notify { 'n5': }
Notify['n4'] ~> Notify['n5']
notify { 'n6': }
notify { 'n7': }
Notify['n6'] <- Notify['n7']
notify { 'n8': message => keys({'d' => '3.5'}) }
notify { 'n9': message => String[1][2.5] }
case true ? { true => 10, default => 0 } {
  /^a/, /^a/: { notify { 'n10': message => [-1, 'b', '0x1F'][undef] } }
  default: { notify { 'n11': message => false } }
}

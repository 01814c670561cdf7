define d0(Hash $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => ({'a' => 'b', 'c' => 'é', 'b' => 'a'} + {}) }
case { 'x y' => (undef / 'x y'), 'z' => {'c' => 2, 'a' => 'abc'} } {
  /^a/, 42: { notify { 'n3': message => ({'b' => 'Hello', 'a' => 'x y'} - {'a' => 42, 'd' => 2, 'c' => 7}) } }
  default: { notify { 'n4': message => false } }
}
notify { 'n5': message => 3 }
define d5(Struct[{ Optional['a'] => Integer, 'b' => String }] $x) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7', 'n8']: x => {'d' => '', 'b' => '3.5', 'c' => 'a'} }
notify { 'n9': }
notify { 'n10': }
Notify['n9'] ~> Notify['n10']
notify { 'n11': message => regsubst("v=${100}", '[0-9]', 'X', 'G') }

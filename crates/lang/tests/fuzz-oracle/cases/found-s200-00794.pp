notify { 'n1': message => -5 }
notify { 'n2': message => Struct[{ 'a' => Integer }][2.5] }
[1, 2, 3].each |$i, $v| {
  notify { "n3-${i}": message => [].map |$x| { "${x}" }[0] }
}
notify { 'n4': }
notify { 'n5': }
Notify['n4'] ~> Notify['n6']
[1, 2, 3].each |$i, $v| {
  notify { "n7-${i}": message => 'true'[0, 2] }
}
notify { 'n8': message => {} }
notify { 'n9': message => (3 >> 1) }
notify { 'n10': message => (10 <= 42) }

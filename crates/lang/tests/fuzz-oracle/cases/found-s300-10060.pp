Integer[1, 2].each |$i, $v| {
  notify { "n1-${i}": message => ({'b' => 'abc'} - /a/) }
}
case (2 >= -5) {
  '42': { notify { 'n2': message => [[0], -1].flatten } }
  default: { notify { 'n3': message => 'abc' } }
}
notify { 'n4': }
notify { 'n5': }
Notify['n4'] -> Notify['n5']
notify { 'n6': message => -5 }
notify { 'n7': message => 'x y' }

$v0 = length('A')
notify { 'n1': message => -1 }
notify { 'n2': message => [7, $v0].all |$x| { $x =~ Integer } }
notify { 'n3': message => (true and true) }
notify { 'n4': message => Boolean({}) }
notify { 'n5': message => 42 }
[-5, 'abc', 'A'][-2, 1].each |$i, $v| {
  notify { "n6-${i}": message => false ? { true => 'true', default => 'abc' } }
}
notify { 'n7': }
notify { 'n8': }
Notify['n7'] <- Notify['n8']

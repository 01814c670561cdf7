[1, 2, 3].each |$i, $v| {
  notify { "n1-${i}": message => String(type({'d' => 'x y'}, generalized)) }
}
notify { 'n2': message => {'c' => 7, 'b' => 'abc'}.filter |$k, $v| { $k < 'd' } }
notify { 'n3': message => true ? { true => 7, default => 10 } }
notify { 'n4': }
notify { 'n5': }
Notify['n4'] <- Notify['n5']
Notify { withpath => notice }
notify { 'n6': message => ({'b' => 'x y', 'c' => '10'} - {'b' => 10}) }
notify { 'n7': message => Hash([['a', 1]]) }
$v0 = Integer('010')

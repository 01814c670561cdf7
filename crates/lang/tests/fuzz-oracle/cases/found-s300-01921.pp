Hash({'a' => 1, 'b' => 2}).each |$i, $v| {
  notify { "n1-${i}": message => 'é' }
}
notify { 'n2': message => values({'d' => 'x y', 'c' => 2, 'a' => 2}).all |$x| { $x =~ Integer } }
notify { 'n3': message => String(type({'c' => -1, 'b' => 0}, generalized)) }
notify { 'n4': message => ('true' in []) }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] <- Notify['n6']
$v0 = -(-5 % 7)

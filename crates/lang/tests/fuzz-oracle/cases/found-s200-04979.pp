unless (10 <= 7) {
  notify { 'n1': message => ({'a' => 0, 'd' => 2} - 'b') }
} else {
  notify { 'n2': message => (-5 % -2) }
}
$v0 = Integer[1, 4].map |$i| { $i * 2 }
notify { 'n3': }
notify { 'n4': }
Notify['n3'] -> Notify['n4']
notify { 'n5': message => Hash([['a', 1]]) }

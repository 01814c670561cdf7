Notify { loglevel => notice }
notify { 'n1': message => split('A', ',')[0] }
$v0 = (keys({'b' => 10, 'a' => 'A'}) - Array('x y', true))
notify { 'n2': message => empty(sort($v0)) }
notify { 'n3': message => size($v0) }
notify { 'n4': message => $v0[2.5] }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] ~> Notify['n6']

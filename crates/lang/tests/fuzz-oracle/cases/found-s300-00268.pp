case 'x y'[{'c' => 10, 'd' => 'A'}] {
  100, -1: { notify { 'n1': message => keys({'d' => 'Hello'}) } }
  default: { notify { 'n2': message => 100 } }
}
Notify { loglevel => notice }
notify { 'n3': message => ['3.5', 3, 2].map |$x| { 0 } }
notify { 'n4': }
notify { 'n5': }
Notify['n4'] ~> Notify['n5']
notify { 'n6': message => {'c' => 'ab,cd'} }
notify { 'n7': message => [-5, 10, 10].any |$x| { $x == 3 } }
$v0 = (false and (2 in [42, 100, 'x y']))

define d0(Integer[0, 10] $x = '3.5') {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']:  }
Notify { withpath => true }
notify { 'n3': message => [10, 'A'].reverse_each.map |$x| { $x } }
notify { 'n4': message => ([].reduce(0) |$m, $v| { $m + 1 } << 0) }
notify { 'n5': message => Pattern[/^a/][{'b' => 7, 'a' => 'x y'}] }
notify { 'n6': message => Boolean('') }

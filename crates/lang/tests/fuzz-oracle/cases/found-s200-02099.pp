class c0(Data $p = false) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
contain c0
notify { 'n3': message => sort([-5, 'x y', 10]).reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n4': }
notify { 'n5': }
Notify['n4'] <- Notify['n5']
notify { 'n6': message => [].map |$x| { $x }[1, -1] }
keys({}).each |$i, $v| {
  notify { "n7-${i}": message => ($v / 2) }
}

unless true {
  notify { 'n1': message => true }
} else {
  notify { 'n2': message => [1, 1, '42'].slice(2).map |$p| { size($p) } }
}
notify { 'n3': message => {'a' => -1} }
notify { 'n4': message => 'é'[{}] }
$v0 = [-1, 10, 'a'].reverse_each.map |$x| { $x }.filter |$x| { $x =~ String }
$v1 = ([].reduce({}) |$m, $v| { $m + { "${v}" => $v } } - {'c' => 100, 'a' => -1, 'd' => 'abc'})
notify { 'n5': message => -5 }

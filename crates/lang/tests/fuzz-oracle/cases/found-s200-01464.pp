notify { 'n1': message => if true { 10 } else { 10 } }
notify { 'n2': message => (1 * 100) }
['a', 'b'].each |$v| {
  notify { "n3-${v}": message => 'ab,cd'[{'a' => $v, 'd' => 'true'}] }
}
notify { 'n4': message => ('x y' in 'b') }
notify { 'n5': message => ['42', 42, 100].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }

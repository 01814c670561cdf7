[1, 2, 3].each |$v| {
  notify { "n1-${v}": message => false }
}
$v0 = [0, 'abc'][1, -1][5, 1]
notify { 'n2': message => 'ab,cd'[{'c' => 7}] }
3.each |$v| {
  notify { "n3-${v}": message => {'c' => 'true'} }
}
notify { 'n4': message => values({}) }
notify { 'n5': message => [100, 'ab,cd', 7].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }

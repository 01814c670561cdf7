notify { 'n1': message => { 'A' => String(type({'c' => 'abc'}, generalized)), 'z' => false } }
unless false {
  notify { 'n2': message => { 'ab,cd' => [], 'z' => '10' } }
} else {
  notify { 'n3': message => min(-5, -1) }
}
Notify { withpath => debug }
notify { 'n4': message => [42] }
notify { 'n5': message => ('3.5' in [10, 'A']) }
$v0 = Integer[1, 3].map |$i| { $i * 2 }
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n6-${v}": message => $v0.reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}

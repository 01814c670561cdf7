notify { 'n1': message => ({} + {'c' => 100, 'a' => 'abc'}) }
notify { 'n2': message => String(type({}, generalized)) }
case size([3, 10, 2]) {
  'abc', /^a/: { notify { 'n3': message => values({'b' => 1}) } }
  default: { notify { 'n4': message => 'é' } }
}
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n5-${v}": message => 1 }
}
notify { 'n6': message => [].reverse_each.map |$x| { $x }.reduce(0) |$m, $v| { $m + $m } }
notify { 'n7': }
notify { 'n8': }
Notify['n7'] <~ Notify['n8']
[1, 2, 3].each |$i, $v| {
  notify { "n9-${i}": message => 'b' }
}

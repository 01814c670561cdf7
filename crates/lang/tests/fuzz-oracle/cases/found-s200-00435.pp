notify { 'n1': message => Variant[Integer, String][{'a' => 'Hello', 'c' => 3}] }
$v0 = '42'
$v1 = max(3, 1)
unless (-1 in []) {
  notify { 'n2': message => ($v0 > $v0) }
} else {
  notify { 'n3': message => {'a' => 2, 'd' => 7, 'b' => $v0}.map |$k, $v| { $k } }
}
case [1, $v1].all |$x| { $x =~ Integer } {
  /^a/, /^a/: { notify { 'n4': message => [2, 42].reduce({}) |$m, $v| { $m + { "${v}" => $v } } } }
  default: { notify { 'n5': message => false } }
}
notify { 'n6': message => [].any |$x| { $x == -1 } }
notify { 'n7': message => sprintf('%d', $v1) }

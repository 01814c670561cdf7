Notify { tag => debug }
notify { 'n1': message => [100, 100, 'Hello'] }
notify { 'n2': message => 'a' }
notify { 'n3': message => [-1, 7, '3.5'].slice(2).map |$p| { size($p) } }
Integer[1, 2].each |$i, $v| {
  notify { "n4-${i}": message => [1, $v, 42].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
notify { 'n5': message => (('ab,cd' =~ /^$/) or [-5].any |$x| { $x == 2 }) }
case Integer({'a' => 10, 'b' => 100}) {
  /^a/, 'a': { notify { 'n6': message => false } }
  default: { notify { 'n7': message => assert_type(Collection, [0]) } }
}

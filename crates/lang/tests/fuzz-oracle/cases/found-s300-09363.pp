3.each |$i, $v| {
  notify { "n1-${i}": message => ('Hello' != 'A') }
}
['a', 'b'].each |$i, $v| {
  notify { "n2-${i}": message => String(type({}, generalized)) }
}
notify { 'n3': message => [-1, -5, '3.5'][5, 1] }
unless ['', 2, 2].any |$x| { $x == 7 } {
  notify { 'n4': message => ({'b' => '42'} + {'d' => -5}) }
} else {
  notify { 'n5': message => length('10') }
}
$v0 = [10, -5, 100].reduce({}) |$m, $v| { $m + { "${v}" => $v } }
Notify { loglevel => x }
notify { 'n6': message => ['a'].reverse_each.map |$x| { $x } }

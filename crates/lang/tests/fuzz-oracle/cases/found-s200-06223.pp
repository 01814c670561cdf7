$v0 = length(String(type(false)))
Notify { withpath => notice }
notify { 'n1': message => [0].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
unless ('A' == 'A') {
  notify { 'n2': message => {'c' => 'x y'} }
} else {
  notify { 'n3': message => (Boolean([$v0, 'abc']) =~ Numeric) }
}
notify { 'n4': message => ['Hello', 'A'].filter |$x| { $x =~ String }.reverse_each.map |$x| { $x } }
if Boolean('true') {
  notify { 'n5': message => '' }
} else {
  notify { 'n6': message => String(type(['b', 'x y', 1])) }
}
notify { 'n7': message => assert_type(Array, 2.5) }

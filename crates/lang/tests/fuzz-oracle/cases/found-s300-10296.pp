if ('b' =~ /a/) {
  notify { 'n1': message => ({} == false) }
} else {
  notify { 'n2': message => String(type(100, generalized)) }
}
Notify { withpath => true }
notify { 'n3': message => {'a' => 7, 'd' => 100} }
notify { 'n4': message => ({ '' => [], 'z' => 10 } - ({'c' => 0, 'd' => 'x y'} + {'d' => 'b', 'a' => 'é', 'c' => -1})) }
$v0 = ({'a' => 1} - ['abc', '42']).map |$k, $v| { $k }
notify { 'n5': message => assert_type(Data, Regexp) }
$v1 = ($v0.reduce({}) |$m, $v| { $m + { "${v}" => $v } } + {'d' => 'A', 'c' => -1, 'b' => ''})

$v0 = ![].any |$x| { $x == 0 }
notify { 'n1': }
notify { 'n2': }
Notify['n1'] <~ Notify['n2']
notify { 'n3': message => String(type([-5, 3, 100].each |$x| { $x }, generalized)) }
notify { 'n4': message => ([] == {'a' => 'A', 'b' => '42', 'd' => 7}) }
$v1 = Array([10, 'ab,cd', '10'].reduce({}) |$m, $v| { $m + { "${v}" => $v } })
unless empty([1, 'x y']) {
  notify { 'n5': message => ('x y' =~ /x y/) }
} else {
  notify { 'n6': message => {'a' => 10} }
}
notify { 'n7': message => keys({'a' => 1, 'c' => -1}.filter |$k, $v| { $k < 'c' }) }

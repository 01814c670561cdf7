notify { 'n1': }
notify { 'n2': }
Notify['n1'] <~ Notify['n2']
if ('42' == 3) {
  notify { 'n3': message => ({'b' => '3.5'} + {'b' => '3.5', 'a' => 10, 'd' => 'a'}) }
} else {
  notify { 'n4': message => upcase(Any) }
}
notify { 'n5': message => (['3.5'] << [].any |$x| { $x == 42 }) }
['a', 'b'].each |$v| {
  notify { "n6-${v}": message => "${'A'}-${(false)}" }
}
Integer[1, 2].each |$i, $v| {
  notify { "n7-${i}": message => {'a' => $v, 'c' => 'ab,cd'}.filter |$k, $v| { $k == 'a' } }
}

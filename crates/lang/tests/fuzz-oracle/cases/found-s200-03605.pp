$v0 = { '3.5' => 'Hello', 'z' => '3.5' }.map |$k, $v| { $k }
case ({'d' => 'A'} + {'c' => 1, 'b' => 'A'}) {
  1: { notify { 'n1': message => if false { 100 } else { 0 } } }
  default: { notify { 'n2': message => assert_type(Any, false) } }
}
['a', 'b'].each |$i, $v| {
  notify { "n3-${i}": message => max(-5, $v) }
}
case size([0, '42']) {
  1: { notify { 'n4': message => {'b' => 'a'} } }
  default: { notify { 'n5': message => 2 } }
}
notify { 'n6': message => {}.map |$k, $v| { $k } }
case 42 {
  10: { notify { 'n7': message => assert_type(Variant[Integer, String], 0) } }
  default: { notify { 'n8': message => {'c' => '3.5', 'b' => '42'} } }
}

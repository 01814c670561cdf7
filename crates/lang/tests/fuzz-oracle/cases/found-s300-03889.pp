notify { 'n1': message => { 'a' => Boolean(1), 'z' => ['x y', 100] } }
notify { 'n2': message => ['ab,cd', 0].reduce({}) |$m, $v| { $m + { "${v}" => $v } }.filter |$k, $v| { $k < 'd' } }
['a', 'b'].each |$v| {
  notify { "n3-${v}": message => ['abc', 'ab,cd', $v].map |$x| { "${x}" }[0] }
}
$v0 = strip([].map |$x| { "${x}" }[0])
notify { 'n4': message => [] }
notify { 'n5': message => assert_type(Collection, 'x y') }

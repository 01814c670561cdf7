[1, 2, 3].each |$i, $v| {
  notify { "n1-${i}": message => ['', 'a', 7] }
}
notify { 'n2': message => [42, 42].map |$x| { "${x}" }[0] }
notify { 'n3': message => String(type({'d' => '42', 'a' => -1, 'c' => 'abc'}, generalized)) }
notify { 'n4': message => 'x y' }
$v0 = ((42 - 0) % -2)

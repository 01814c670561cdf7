$v0 = { 'true' => ({} + {'d' => 10, 'a' => 'A'}), 'z' => Boolean({'d' => 'a', 'a' => 'a'}) }
notify { 'n1': message => [42].map |$x| { "${x}" }[0] }
notify { 'n2': message => ['A', 'A'] }
[1, 2, 3].each |$i, $v| {
  notify { "n3-${i}": message => 'Hello'[1, -1] }
}

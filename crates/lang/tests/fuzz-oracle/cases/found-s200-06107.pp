notify { 'n1': message => { '' => '0x1F', 'z' => upcase('ab,cd') } }
notify { 'n2': message => String(type({'c' => 'Hello', 'a' => 3, 'b' => 'ab,cd'}, generalized)) }
Hash({'a' => 1, 'b' => 2}).each |$i, $v| {
  notify { "n3-${i}": message => [100, 'ab,cd'] }
}
(['A', 'true', 'b'] << {'d' => 2, 'c' => 10}).each |$i, $v| {
  notify { "n4-${i}": message => min(42, $v) }
}

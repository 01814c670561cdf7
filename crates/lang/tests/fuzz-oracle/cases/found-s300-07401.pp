notify { 'n1': message => { 'A' => empty([]), 'z' => 'true'[{}] } }
3.each |$v| {
  notify { "n2-${v}": message => -$v }
}
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n3-${v}": message => split('a', 'b') }
}
$v0 = false

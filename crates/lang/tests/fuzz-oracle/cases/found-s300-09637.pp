notify { 'n1': message => ('ab,cd' =~ /a/) }
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n2-${v}": message => { 'Hello' => true, 'z' => String[1][undef] } }
}
$v0 = Integer('0x1F')
$v1 = [$v0, 10]

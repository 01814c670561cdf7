$v0 = true
[1, 2, 3].each |$i, $v| {
  notify { "n1-${i}": message => false }
}
$v1 = String(type(({'b' => 100, 'd' => 'é', 'c' => '3.5'} - [])))
notify { 'n2': message => ({'d' => $v1} - {'c' => '3.5'}).filter |$k, $v| { $k != 'a' } }

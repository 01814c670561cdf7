notify { 'n1': message => String(type({'b' => 100, 'a' => 3}.filter |$k, $v| { $k != 'a' })) }
$v0 = [][0, 2].reduce(0) |$m, $v| { $m + $m }

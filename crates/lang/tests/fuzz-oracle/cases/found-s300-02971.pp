notify { 'n1': message => String(type([7, 42, 'true'].reduce({}) |$m, $v| { $m + { "${v}" => $v } })) }
$v0 = ({'b' => '0x1F'} + {'c' => 'Hello', 'b' => -1, 'd' => 'abc'}).filter |$k, $v| { $k < 'b' }

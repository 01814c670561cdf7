notify { 'n1': message => (({'b' => '0x1F', 'a' => -1, 'd' => 'ab,cd'} + {'a' => 3}) - keys({'b' => 1, 'c' => 'x y', 'd' => '10'})) }
notify { 'n2': message => ({'a' => 'A'} + {'b' => 0}).filter |$k, $v| { $k < 'd' } }
notify { 'n3': message => false }
notify { 'n4': message => String(type(['0x1F', '42', 'ab,cd'], generalized)) }
notify { 'n5': message => [] }
notify { 'n6': message => '3.5' }

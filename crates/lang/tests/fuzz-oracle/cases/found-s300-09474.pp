notify { 'n1': message => sort(['', 7, -1]) }
notify { 'n2': message => {'b' => 2}.filter |$k, $v| { $k == 'a' } }
$v0 = {'a' => 100, 'b' => -1, 'd' => 42}
notify { 'n3': message => ['ab,cd', '0x1F', 'é'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n4': message => 10 }
notify { 'n5': message => [-1, -5] }

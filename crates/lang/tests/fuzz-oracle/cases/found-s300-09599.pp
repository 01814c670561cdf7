notify { 'n1': message => {}.filter |$k, $v| { $k < 'a' } }
notify { 'n2': message => -5 }
$v0 = String(type(({} - {'d' => '', 'b' => 'abc', 'a' => '3.5'}), generalized))
notify { 'n3': message => length($v0) }
notify { 'n4': message => "${'abc'}-${(false)}" }
notify { 'n5': message => (2 < 3) }
notify { 'n6': message => {'d' => 3}.map |$k, $v| { $k } }

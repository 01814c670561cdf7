notify { 'n1': message => true }
$v0 = { 'x y' => {'a' => 'true', 'b' => 'abc', 'd' => 3}.filter |$k, $v| { $k != 'c' }, 'z' => true }
notify { 'n2': message => String(type(['x y', 'x y', 'Hello'].slice(2).map |$p| { size($p) }, generalized)) }
$v1 = 10
$v2 = ("${'A'}-${(false)}" in {'a' => 7, 'd' => '3.5'})
Notify { withpath => debug }
notify { 'n3': message => ([] << 'true') }

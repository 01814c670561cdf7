$v0 = ('b' > "${'x y'}-${(true)}")
notify { 'n1': message => ['3.5'][2.5] }
notify { 'n2': message => '3.5'[default] }
notify { 'n3': }
notify { 'n4': }
Notify['n3'] ~> Notify['n5']
$v1 = (({'c' => 100, 'd' => 2} + {'c' => 'true', 'a' => -1, 'd' => '0x1F'}) + {'a' => 42, 'd' => 'ab,cd'}.filter |$k, $v| { $k < 'b' })

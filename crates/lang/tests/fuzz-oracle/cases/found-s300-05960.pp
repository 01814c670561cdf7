notify { 'n1': message => String(type([].reduce({}) |$m, $v| { $m + { "${v}" => $v } }, generalized)) }
notify { 'n2': message => true }
notify { 'n3': }
notify { 'n4': }
Notify['n3'] <~ Notify['n4']
notify { 'n5': message => {'b' => '42', 'a' => -1, 'd' => 'abc'}[Float[0.0, 1.0]] }
$v0 = String(-2)

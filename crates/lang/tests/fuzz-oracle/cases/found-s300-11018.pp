$v0 = if (2 > -1) { 1 } else { 7 }
notify { 'n1': message => (sprintf('%d', -5) in {'a' => 'Hello', 'b' => 42}) }
$v1 = { 'abc' => $v0, 'z' => $v0 }
notify { 'n2': }
notify { 'n3': }
Notify['n2'] ~> Notify['n3']
$v2 = (['10', '0x1F'].reduce(0) |$m, $v| { $m + $m } in keys({}))
Notify { tag => x }
notify { 'n4': message => String(type([])) }

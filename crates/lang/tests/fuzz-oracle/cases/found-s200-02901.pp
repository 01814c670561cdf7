notify { 'n1': message => size(['3.5', 'b']) }
notify { 'n2': message => [] }
$v0 = { '42' => assert_type(Data, String), 'z' => [10, '42'] }
notify { 'n3': message => (Integer('-7') >> 3) }
notify { 'n4': message => empty($v0) }
$v1 = size(0.step(2).map |$x| { $x })

notify { 'n1': message => ((2 >> 1) in unique([10])) }
notify { 'n2': message => Integer(Optional[Integer]) }
notify { 'n3': message => {'d' => 100} }
$v0 = regsubst('0x1F', 'a', 'X', 'G')[0]
$v1 = ([].reduce(0) |$m, $v| { $m + 2 } % -2)

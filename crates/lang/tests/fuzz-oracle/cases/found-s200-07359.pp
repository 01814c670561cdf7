$v0 = String(type({'c' => '3.5', 'd' => 'x y'}))
notify { 'n1': message => split($v0, 'b')[0] }
notify { 'n2': message => ($v0 == $v0) }

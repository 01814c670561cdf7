Notify { withpath => true }
notify { 'n1': message => '42'['0x1F'] }
Notify { tag => x }
notify { 'n2': message => {'b' => 2, 'a' => 10, 'd' => 'A'}.map |$k, $v| { $k } }
notify { 'n3': message => [] }
notify { 'n4': message => 'true' }
notify { 'n5': message => '42' }

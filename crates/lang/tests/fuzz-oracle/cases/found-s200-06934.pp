notify { 'n1': message => type({'d' => 3, 'b' => '10', 'a' => 10}) }
notify { 'n2': message => ['A', '3.5'].map |$x| { "${x}" }[0] }
Notify { tag => debug }
notify { 'n3': message => '42' }

notify { 'n1': message => true }
notify { 'n2': message => [100, 0, -1].all |$x| { $x =~ Integer } }
notify { 'n3': message => 1 }
notify { 'n4': message => { 'Hello' => false, 'z' => Hash[['0x1F', 0, '']] } }

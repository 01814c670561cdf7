$v0 = { 'A' => true, 'z' => 10 }
Notify { loglevel => debug }
notify { 'n1': message => abs('0x1F') }
notify { 'n2': message => true }
notify { 'n3': message => (2 % 7) }

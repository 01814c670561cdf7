$v0 = -(7 / 1)
notify { 'n1': message => {} }
notify { 'n2': message => 'b'['0x1F'] }

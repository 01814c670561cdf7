$r = ['10' < '9', 10 < 9, 'a' =~ 'A', 'abc' =~ 'b']
notify { 'x': message => "${r}" }

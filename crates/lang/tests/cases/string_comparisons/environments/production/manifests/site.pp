$r = ['a' < 'B', 'abc' == 'ABC', 'a' != 'A', 'b' > 'A', 10 > 9, '10' == '10', 1 == 1.0]
notify { 'x': message => "${r}" }

$v0 = (false and ('x y' in [-1, 'ab,cd']))
notify { 'n1': message => if true { 7 } else { -5 } }
notify { 'n2': message => ['x y', 7, 'true'][0, 2] }
notify { 'n3': message => [[], 7].flatten }
notify { 'n4': message => String(type('true')) }
Notify { tag => debug }
notify { 'n5': message => Float[default] }

notify { 'a': message => ['x y'[5], 'abc'[-5], 'abc'[3], 'abc'[1, 5]] }

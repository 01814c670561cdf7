$r = ['a' in ['A', 'b'], 'x' in { 'x' => 1 }, 'ell' in 'Hello', /l+/ in ['hello'], 1 in [1.0], Integer in [1, 'a'], 'z' in 'abc']
notify { 'x': message => "${r}" }

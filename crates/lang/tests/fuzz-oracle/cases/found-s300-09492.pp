notify { 'n1': message => regsubst('A'[0, 2], 'b+', '\0', 'G') }
notify { 'n2': message => (['', 1, 0] - [-5, 3]).map |$x| { min(100, $x) } }
notify { 'n3': message => ([2, -5].reduce(0) |$m, $v| { $m + 2 } >= min(3, 42)) }
notify { 'n4': message => '' }

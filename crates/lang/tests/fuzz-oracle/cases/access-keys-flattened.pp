notify { 'a': message => ['abc'[[1, 2]], [1, 2, 3][[0, 2]]] }

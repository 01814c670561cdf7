notify { 'a': * => [1, 2] }

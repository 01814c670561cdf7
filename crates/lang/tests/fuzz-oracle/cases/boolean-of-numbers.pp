notify { 'a': message => [Boolean(1), Boolean(0), Boolean(2.5), Boolean(0.0)] }

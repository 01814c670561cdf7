notify { 'a': message => "x${2.25}" }

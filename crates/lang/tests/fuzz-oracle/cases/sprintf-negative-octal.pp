notify { 'a': message => [sprintf('%o', -5), sprintf('%x', -255), sprintf('%b', -3), sprintf('%X', 255)] }

notify { 'a': message => [upcase(1), downcase(2.5), capitalize(3)] }

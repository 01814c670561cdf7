$x = 1
notify { 'num': message => "${3.5}" }

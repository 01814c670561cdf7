$x = 1 == 'a'
notify { 'r': message => "${x}" }

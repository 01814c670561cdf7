$x = max(*1)
notify { 'r': message => "${x}" }

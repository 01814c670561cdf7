$x = 'a' in 1

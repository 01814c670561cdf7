$x = 1 + true

$x = Integer < 1

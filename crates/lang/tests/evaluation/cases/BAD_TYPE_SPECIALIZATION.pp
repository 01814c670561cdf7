$x = Integer[1][2]

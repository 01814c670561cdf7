$x = Integer[5, 3]

$x = Any[1]

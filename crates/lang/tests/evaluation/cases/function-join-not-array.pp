$x = join(1, ',')

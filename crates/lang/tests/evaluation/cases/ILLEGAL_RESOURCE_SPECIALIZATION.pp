$x = Resource[1]

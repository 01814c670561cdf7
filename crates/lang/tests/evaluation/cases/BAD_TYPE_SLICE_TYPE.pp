$x = Type[1]

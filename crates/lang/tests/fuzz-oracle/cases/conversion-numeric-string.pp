$x = Numeric('x')

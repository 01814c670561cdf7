$x = abs('x')

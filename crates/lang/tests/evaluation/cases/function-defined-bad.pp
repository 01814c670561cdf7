$x = defined(1)

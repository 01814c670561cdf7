$x = Float[5.0, 3.0]

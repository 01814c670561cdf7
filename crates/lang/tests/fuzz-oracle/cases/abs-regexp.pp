$x = abs(/a/)

$x = Boolean(/a/)

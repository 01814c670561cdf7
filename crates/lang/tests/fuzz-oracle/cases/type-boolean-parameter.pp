$x = Boolean[1]

$x = Class[1]

$x = true > false

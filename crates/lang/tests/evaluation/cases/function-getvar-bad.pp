$x = getvar(1)

$x = $y = 1
notice($x)

$x = unique(1)

$x = size(1)

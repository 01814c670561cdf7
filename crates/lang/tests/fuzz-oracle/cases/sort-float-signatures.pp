$x = sort(2.5)

$x = sort([3, 'b', 1])

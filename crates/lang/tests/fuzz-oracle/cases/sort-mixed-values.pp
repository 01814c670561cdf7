$x = sort(['a', 1])

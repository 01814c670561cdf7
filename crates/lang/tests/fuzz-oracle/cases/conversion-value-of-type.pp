$x = Float([1])

$x = length(true)

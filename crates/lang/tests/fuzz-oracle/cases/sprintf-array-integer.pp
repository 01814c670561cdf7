$x = sprintf('%x', [1])

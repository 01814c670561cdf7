$x = 1.nosuchfunction

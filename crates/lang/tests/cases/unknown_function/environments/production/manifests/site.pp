$x = nosuchfunc(1)

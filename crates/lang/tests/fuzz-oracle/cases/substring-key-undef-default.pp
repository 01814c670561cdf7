$x = 'abc'[undef]

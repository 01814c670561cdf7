$x = 'abc'[Integer]

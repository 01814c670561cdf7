$x = 'abc'['a']

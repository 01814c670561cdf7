$x = Float['a']

$x = upcase('a', 'b')

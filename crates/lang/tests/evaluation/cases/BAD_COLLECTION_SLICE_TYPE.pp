$x = Array[Integer, 'a']

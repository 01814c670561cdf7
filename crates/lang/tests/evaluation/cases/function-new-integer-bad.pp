$x = Integer.new('abc')

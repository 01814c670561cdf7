$x = 1
Integer[1] { message => 'x' }

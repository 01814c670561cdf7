$x = Integer(undef)

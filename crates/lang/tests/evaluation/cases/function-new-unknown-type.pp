$x = Nosuchtype.new(1)

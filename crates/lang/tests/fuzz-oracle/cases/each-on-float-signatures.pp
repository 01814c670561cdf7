$x = 2.5.each |$v| { }

$x = 2.5.slice(2) |$v| { }

$x = 2.5.reduce(0) |$m, $v| { }

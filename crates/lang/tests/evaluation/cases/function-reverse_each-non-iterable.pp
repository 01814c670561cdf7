$x = 1.5.reverse_each |$v| { $v }

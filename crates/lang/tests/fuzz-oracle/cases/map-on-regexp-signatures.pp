$x = /a/.map |$k, $v| { }

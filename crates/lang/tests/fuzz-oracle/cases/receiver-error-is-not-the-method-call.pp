$x = Hash([1, 2, 3]).each |$v| { }

$x = "a\u12 b"

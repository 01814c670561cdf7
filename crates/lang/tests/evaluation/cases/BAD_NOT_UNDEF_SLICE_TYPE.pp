$x = NotUndef[1]

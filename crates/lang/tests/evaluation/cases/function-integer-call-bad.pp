$x = Integer('0x1G')

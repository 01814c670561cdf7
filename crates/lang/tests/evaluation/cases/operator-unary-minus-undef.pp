$x = -undef

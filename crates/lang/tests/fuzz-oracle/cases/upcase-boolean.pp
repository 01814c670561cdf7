$x = upcase(true)

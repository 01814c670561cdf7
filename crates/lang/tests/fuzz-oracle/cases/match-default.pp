$x = 'a' =~ default

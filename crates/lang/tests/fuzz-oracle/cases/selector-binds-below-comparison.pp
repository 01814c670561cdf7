$x = 'v=100' < false ? { true => 'a', default => 'b' }

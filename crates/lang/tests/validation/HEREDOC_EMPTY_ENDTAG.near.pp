$x = @(E)
abc
E

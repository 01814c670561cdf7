$x = @(END/q)
abc
END

$x = @(END/tt)
abc
END

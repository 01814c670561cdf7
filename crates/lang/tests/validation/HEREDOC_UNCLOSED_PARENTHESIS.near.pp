$x = @(END)
abc
END

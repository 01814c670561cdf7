$x = @(END/)
abc
END

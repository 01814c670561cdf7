$x = @(END
abc
END

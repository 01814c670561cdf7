$x = @(END:json:x)
abc
END

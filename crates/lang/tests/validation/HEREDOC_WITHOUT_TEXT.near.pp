$x = @(END)
END

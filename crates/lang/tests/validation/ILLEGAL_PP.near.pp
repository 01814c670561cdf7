$x = @(END:pp)
class a {}
END

$x = @(END:pp)
class {
END

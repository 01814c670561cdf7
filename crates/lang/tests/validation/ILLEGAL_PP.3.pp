$x = @(END:pp)
class a($name, $title) {}
END

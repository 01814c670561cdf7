$x = @(END:pp)
$a = 1 = 2
END

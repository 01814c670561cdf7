$x = @(END/t)
a\qb\t
END

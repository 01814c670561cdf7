$x = @(END)
abc
ENDX

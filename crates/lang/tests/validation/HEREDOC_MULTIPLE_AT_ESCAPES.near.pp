$x = @(END/tnrsuL$)
abc
END

$x = @(END:yaml)
{ "a": nope
END

$x = @(END:data+json)
{ "a": nope }
END

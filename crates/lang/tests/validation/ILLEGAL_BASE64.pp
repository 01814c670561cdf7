$x = @(END:base64)
not base64!
END

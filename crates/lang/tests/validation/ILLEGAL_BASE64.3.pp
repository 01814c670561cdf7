$x = @(END:base64)
aGVs*G8=
END

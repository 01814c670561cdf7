$x = 1
$y = @(END:json)
{ bad
END
$z = 2 = 3

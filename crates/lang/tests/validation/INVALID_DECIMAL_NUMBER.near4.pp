$x = 0.1e3
$y = 1E5
$z = 0X1F
$w = 1e-0

# settings: strict=error
$x = '1' + 1

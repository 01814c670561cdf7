$x = 1
$x =~ /a/
$x !~ /b/
notice($1)

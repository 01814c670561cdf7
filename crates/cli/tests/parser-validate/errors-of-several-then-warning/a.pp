class a { class b {} }
$x = 1
$x[1] = 2
1 = 2

notify { 'n1': message => Iterable['true'] }
$v0 = -size([7, 2, 1])
$v1 = Array(([100, 0, 'x y'] - ['x y', '10']), true)
$v2 = true
$v3 = String(type(Array[Integer].each |$x| { $x }))

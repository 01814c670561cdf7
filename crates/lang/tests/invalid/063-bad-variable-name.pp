notice($Foo::bar::Baz)
$x = $::_y

$x = { private => 1, type => 2, function => 3 }
$y = [type, function]

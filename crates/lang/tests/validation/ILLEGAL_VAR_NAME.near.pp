notice($foo, $::a::b, $_x)

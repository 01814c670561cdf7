define a::_b {}

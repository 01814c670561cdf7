notify { 'n1': message => String(type(Hash(['a', 1, 'b', 2]))) }
$v0 = (true ? { true => 'A', default => 'é' } =~ /[0-9]+/)
notify { 'n2': message => (['x y', 3] =~ Scalar) }

define d(String $x = "a", Optional[Integer] $y = undef, *$z) {}

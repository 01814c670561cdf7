type Plan = Integer
define plan::x {}

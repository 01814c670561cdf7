$z = 1 + 2
{}.each |$k, $v| { }

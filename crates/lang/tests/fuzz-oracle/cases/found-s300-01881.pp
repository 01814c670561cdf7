$v0 = (Numeric[undef] =~ Collection)
$v1 = sprintf('%-3s|', 0)[1]
$v2 = keys({'c' => 1}).reduce({}) |$m, $v| { $m + { "${v}" => $v } }
$v3 = Integer[0, 3].map |$i| { $i * 2 }

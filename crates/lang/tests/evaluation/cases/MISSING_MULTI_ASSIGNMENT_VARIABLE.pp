class c { $a = 1 }
include c
[$a, $zz] = Class['c']

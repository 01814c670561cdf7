class c(Integer $x = if true { $y = 1 } else { 2 }) {}

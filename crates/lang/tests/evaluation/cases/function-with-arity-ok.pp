with(1, 2) |$a, $b = 3, *$c| { notify { "${a}${b}": } }

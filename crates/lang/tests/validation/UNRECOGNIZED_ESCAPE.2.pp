$x = "a\qb${1}c\q"
$y = "$x\p"

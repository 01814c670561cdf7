function f(Integer $a, String *$rest) >> Integer { $a }
[1].each |Integer $x, *$y| { notice($x) }

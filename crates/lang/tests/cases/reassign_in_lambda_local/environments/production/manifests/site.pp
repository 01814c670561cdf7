$x = 1
[1].each |$v| { $x = 2 notify { "inner-${x}": } }
notify { "outer-${x}": }

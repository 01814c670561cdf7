notify { 'n1': message => chomp([].map |$x| { "${x}" }[0]) }
Notify { tag => notice }
notify { 'n2': message => 3 }
notify { 'n3': message => ({ 'x y' => -default, 'z' => 'ab,cd' } + {'d' => 'Hello', 'a' => -1, 'c' => 42}) }

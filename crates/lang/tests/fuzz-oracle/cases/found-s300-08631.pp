notify { 'n1': message => size(([100] + [10, 3])) }
notify { 'n2': message => String[1][undef] }
notify { 'n3': message => ('A' =~ /x y/) }

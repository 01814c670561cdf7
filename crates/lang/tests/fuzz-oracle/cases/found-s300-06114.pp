notify { 'n1': message => {'b' => '3.5', 'a' => 1} }
notify { 'n2': message => regsubst('', 'a', 'X', 'G') }
notify { 'n3': message => 'a'[{'a' => 10, 'c' => 10}] }

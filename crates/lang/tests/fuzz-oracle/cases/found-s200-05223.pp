notify { 'n1': message => [].all |$x| { $x =~ Integer } ? { true => 'Hello', default => '42' } }
notify { 'n2': message => Struct[{ 'a' => Integer }][7] }
notify { 'n3': message => ('x y' != 'Hello') }
notify { 'n4': }
notify { 'n5': }
Notify['n4'] ~> Notify['n5']
$v0 = length(sprintf('%s', 1))

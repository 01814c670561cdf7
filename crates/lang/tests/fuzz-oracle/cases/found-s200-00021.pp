$v0 = { '' => 'é', 'z' => [1, 100] }
Notify { loglevel => x }
notify { 'n1': message => String(type({'a' => '10', 'd' => 0})) }

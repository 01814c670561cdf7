notify { 'n1': message => !true }
notify { 'n2': message => { 'abc' => false, 'z' => 'a' } }
Notify { loglevel => true }
notify { 'n3': message => [0, -5, '10'].each |$x| { $x } }
$v0 = sprintf('%x', [-5, 100, 42][5])
$v1 = [7, '3.5']

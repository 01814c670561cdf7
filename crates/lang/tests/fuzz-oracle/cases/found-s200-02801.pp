notify { 'n1': message => (0 - 100) }
notify { 'n2': message => String(type({'c' => 2, 'a' => '42', 'd' => 'ab,cd'})) }
$v0 = (upcase('Hello') =~ /a/)
Notify { loglevel => notice }
notify { 'n3': message => values({'d' => 7, 'b' => 42}) }

notify { 'n1': message => (empty([]) and ('b' != 'é')) }
notify { 'n2': message => String(type({'b' => 1, 'a' => 42})) }
$v0 = { '10' => (3 << 0), 'z' => false }
Notify { tag => x }
notify { 'n3': message => $v0 }

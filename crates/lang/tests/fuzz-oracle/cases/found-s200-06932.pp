notify { 'n1': message => false }
$v0 = max(max(7, 2), -1)
notify { 'n2': message => { 'true' => String(type(true, generalized)), 'z' => type({'c' => $v0}) } }

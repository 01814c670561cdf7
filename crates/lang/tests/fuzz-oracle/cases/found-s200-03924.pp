notify { 'n1': message => (Numeric < '3.5') }
$v0 = true

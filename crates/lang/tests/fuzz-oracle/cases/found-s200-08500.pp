$v0 = empty('10')
$v1 = split(String(type([])), '')[0]
notify { 'n1': message => [10, 'A', $v1] }

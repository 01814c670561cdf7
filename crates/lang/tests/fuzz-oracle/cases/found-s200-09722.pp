notify { 'n1': message => NotUndef[undef] }
notify { 'n2': message => String(false) }
$v0 = ((7 >= 100) and false)
notify { 'n3': }
notify { 'n4': }
Notify['n3'] ~> Notify['n4']

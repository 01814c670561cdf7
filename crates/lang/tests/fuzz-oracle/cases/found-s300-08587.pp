notify { 'n1': message => max((1 % 3), 100) }
Notify { loglevel => debug }
notify { 'n2': message => Optional[String][{}] }
notify { 'n3': }
notify { 'n4': }
Notify['n3'] -> Notify['n4']
$v0 = []

notify { 'n1': message => regsubst("${'10'}-${(false)}", '[0-9]', '') }
$v0 = [].map |$x| { "${x}" }[0][1, -1]

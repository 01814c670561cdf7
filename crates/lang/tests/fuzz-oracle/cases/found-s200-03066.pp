Notify { withpath => debug }
notify { 'n1': message => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n2': message => "${(-1 - 1)}" }
$v0 = ("x${1}" =~ /^$/)
$v1 = { 'true' => [1, 'a', 7][2.5], 'z' => 'a' }
Notify { withpath => debug }
notify { 'n3': message => ['true', 'A'].map |$x| { $x } }

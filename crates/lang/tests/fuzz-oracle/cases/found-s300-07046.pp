unless ({'d' => 100} == 0) {
  notify { 'n1': message => false ? { true => 'Hello', default => '' } }
} else {
  notify { 'n2': message => /a/.map |$x| { $x } }
}
Notify { loglevel => true }
notify { 'n3': message => [1, 'abc'].reverse_each.map |$x| { $x } }
notify { 'n4': message => 2 }
notify { 'n5': message => sort(Any) }
$v0 = { 'é' => [1, 2, 100][0], 'z' => 10 }

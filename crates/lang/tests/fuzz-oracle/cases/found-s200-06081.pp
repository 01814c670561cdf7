notify { 'n1': message => sprintf('%-3s|', max(-5, 3)) }
unless false {
  notify { 'n2': message => -1 }
} else {
  notify { 'n3': message => true ? { true => 100, default => 1 } }
}
$v0 = String(type([7].filter |$x| { $x =~ String }))
notify { 'n4': message => {'b' => 7, 'd' => $v0} }
notify { 'n5': message => (10 in ['b', -1]) }
notify { 'n6': }
notify { 'n7': }
Notify['n6'] ~> Notify['n7']
$v1 = keys(Hash([]))

if [0].all |$x| { $x =~ Integer } {
  notify { 'n1': message => "v=${10}" }
} else {
  notify { 'n2': message => [7, 3, 2][5] }
}
case (100 == -5) {
  Iterable: { notify { 'n3': message => false ? { true => '10', default => 'a' } } }
  default: { notify { 'n4': message => ['true'] } }
}
notify { 'n5': }
notify { 'n6': }
Notify['n5'] ~> Notify['n6']

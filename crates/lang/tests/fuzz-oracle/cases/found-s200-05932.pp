unless [].any |$x| { $x == 3 } {
  notify { 'n1': message => [1] }
} else {
  notify { 'n2': message => ['true'].filter |$x| { $x =~ String } }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] -> Notify['n4']
case (10 >= 3) {
  String[1], Iterable: { notify { 'n5': message => 2.filter |$x| { $x } } }
  default: { notify { 'n6': message => 1 } }
}

$v0 = ((false == Iterable[100]) =~ Float)
unless (false and true) {
  notify { 'n1': message => {} }
} else {
  notify { 'n2': message => [0, 3] }
}
notify { 'n3': message => ['b', 1, 0].map |$x| { "${x}" }[0] }
notify { 'n4': message => ('b' > 'abc') }

case ('b' in [42]) {
  Iterable: { notify { 'n1': message => "v=${100}" } }
  default: { notify { 'n2': message => 'x y' } }
}
notify { 'n3': message => "${sprintf('%05d', -1)}-${(({'a' => -1, 'c' => 'ab,cd'} == -5))}" }
Notify { withpath => debug }
notify { 'n4': message => type(2.5) }

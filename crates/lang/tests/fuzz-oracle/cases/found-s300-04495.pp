Notify { tag => debug }
notify { 'n1': message => Boolean(Array[String, 1]) }
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n2-${v}": message => ($v / 1) }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] <- Notify['n4']
notify { 'n5': message => Integer('42') }
notify { 'n6': message => Hash([['a', 1]]) }

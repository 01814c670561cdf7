$v0 = 'é'
['a', 'b'].each |$i, $v| {
  notify { "n1-${i}": message => $v0 }
}
$v1 = Integer('0x1F')
Notify { tag => debug }
notify { 'n2': message => [$v1, 0, 1] }
Notify { loglevel => notice }
notify { 'n3': message => Struct[{ 'a' => Integer }][default] }
notify { 'n4': message => unique([]) }

$v0 = (true or empty('abc'))
Notify { loglevel => true }
notify { 'n1': message => String(type([])) }
notify { 'n2': }
notify { 'n3': }
Notify['n2'] <- Notify['n3']
3.each |$i, $v| {
  notify { "n4-${i}": message => ([] =~ Struct[{ 'a' => Integer }]) }
}

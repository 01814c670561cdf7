$v0 = (['10', 1, 'Hello'] << ['0x1F'])
$v1 = sprintf('%d', -5)[0, 2]
Integer[1, 2].each |$v| {
  notify { "n1-${v}": message => -$v1 }
}
Notify { tag => debug }
notify { 'n2': message => [][2.5] }
$v2 = {'c' => $v1}

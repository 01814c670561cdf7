notify { 'n1': message => { 'true' => sort(['b', 100, 7]), 'z' => ['', 7] } }
Hash({'a' => 1, 'b' => 2}).each |$i, $v| {
  notify { "n2-${i}": message => [7].map |$x| { "${x}" }[0] }
}
case keys({}) {
  'é': { notify { 'n3': message => {'d' => 'ab,cd'}['a'] } }
  default: { notify { 'n4': message => true } }
}

$v0 = { '10' => -2.5, 'z' => {'b' => 2, 'c' => '10', 'a' => 7} }
Notify { loglevel => debug }
notify { 'n1': message => { 'é' => true, 'z' => 'true' } }
Integer[1, 2].each |$i, $v| {
  notify { "n2-${i}": message => Boolean(['Hello', $v]) }
}
Integer[1, 2].each |$i, $v| {
  notify { "n3-${i}": message => {'b' => ''} }
}
notify { 'n4': message => upcase(undef) }
$v1 = (size([7, 'ab,cd']) + max(3, -5))

$v0 = (Hash([]) - ({'a' => 2} + {'c' => '10', 'a' => 'Hello'}))
case Struct[{ 'a' => Integer }][Integer] {
  '10', 'a': { notify { 'n1': message => ['10', 0, 'Hello'].slice(2).map |$p| { size($p) } } }
  default: { notify { 'n2': message => 7 } }
}
case chomp('A') {
  /^a/: { notify { 'n3': message => ('true' != 'A') } }
  default: { notify { 'n4': message => true } }
}
notify { 'n5': message => "a-${2}"[0, 2] }

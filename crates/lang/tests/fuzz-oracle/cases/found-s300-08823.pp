$v0 = 'Hello'
notify { 'n1': message => String(type({'d' => $v0, 'b' => 'a', 'a' => '10'})) }
notify { 'n2': message => size([$v0, 'b', 42]) }
define d2(Optional[String] $x = $v0) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']:  }

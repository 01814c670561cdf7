case (1 == []) {
  7, /^a/: { notify { 'n1': message => [].filter |$x| { $x =~ Integer } } }
  default: { notify { 'n2': message => 7 } }
}
case false ? { true => 100, default => -1 } {
  /^a/: { notify { 'n3': message => {}[default] } }
  default: { notify { 'n4': message => '3.5' } }
}
notify { 'n5': message => String(type([])) }
notify { 'n6': message => Array({'d' => 3, 'a' => 42}, true) }

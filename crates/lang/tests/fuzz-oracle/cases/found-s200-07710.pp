unless !false {
  notify { 'n1': message => {'d' => 'Hello', 'a' => 7, 'b' => 7} }
} else {
  notify { 'n2': message => Integer[5].filter |$x| { $x } }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] -> Notify['n4']
Notify { tag => true }
notify { 'n5': message => (0 > -5) }
notify { 'n6': message => [-5, 0].map |$x| { "${x}" }[0] }
notify { 'n7': message => {'d' => 'é'}.filter |$k, $v| { $k < 'a' } }
([3, 'true', 'é'] - [1]).each |$v| {
  notify { "n8-${v}": message => {'a' => '', 'b' => $v} }
}

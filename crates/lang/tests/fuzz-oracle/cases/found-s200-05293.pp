notify { 'n1': message => sort(['10', 100, 'Hello']).map |$x| { "${x}" }[0] }
notify { 'n2': }
notify { 'n3': }
Notify['n2'] -> Notify['n3']
[10].filter |$x| { $x =~ Integer }.each |$i, $v| {
  notify { "n4-${i}": message => 'é' }
}

notify { 'n1': message => Variant[Integer, String][/a/] }
notify { 'n2': message => ['a'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
Notify { loglevel => notice }
notify { 'n3': message => {'d' => 3, 'c' => 100}.map |$k, $v| { $k } }
['a', 'b'].each |$v| {
  notify { "n4-${v}": message => ['Hello'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
notify { 'n5': }
notify { 'n6': }
Notify['n5'] ~> Notify['n6']
notify { 'n7': message => [2].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n8': message => ('ab,cd' =~ /[0-9]+/) }
Integer[1, 2].each |$i, $v| {
  notify { "n9-${i}": message => (true =~ Hash) }
}

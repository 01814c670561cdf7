3.each |$i, $v| {
  notify { "n1-${i}": message => Integer('-7') }
}
Notify { loglevel => x }
notify { 'n2': message => ['abc'].all |$x| { $x =~ Integer } }
notify { 'n3': }
notify { 'n4': }
Notify['n3'] ~> Notify['n4']
notify { 'n5': }
notify { 'n6': }
Notify['n5'] -> Notify['n6']
notify { 'n7': message => Pattern[/^a/][true] }
$v0 = -1

$v0 = ("a-${100}" in String(type({'a' => '10', 'b' => 0})))
unless empty({'b' => -1, 'c' => -5}) {
  notify { 'n1': message => "${2}" }
} else {
  notify { 'n2': message => 1 }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] ~> Notify['n4']
Notify { withpath => notice }
notify { 'n5': message => "${''}-${(true)}" }
if ('a' in '3.5') {
  notify { 'n6': message => 'a'[1, -1] }
} else {
  notify { 'n7': message => String(type({'a' => 'é'})) }
}

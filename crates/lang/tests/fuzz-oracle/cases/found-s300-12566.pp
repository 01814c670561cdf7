$v0 = {}
notify { 'n1': message => ([].map |$x| { "${x}" }[0] =~ /x y/) }
notify { 'n2': }
notify { 'n3': }
Notify['n2'] <- Notify['n3']
notify { 'n4': }
notify { 'n5': }
Notify['n4'] <~ Notify['n5']
define d5(Numeric $x = 42) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7', 'n8']: x => (42 / 7) }

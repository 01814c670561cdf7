notify { 'n1': message => [10].filter |$x| { $x =~ String } }
notify { 'n2': message => Integer[2, 2].map |$i| { $i * 2 } }
notify { 'n3': message => String(type({'a' => 'b'})) }
notify { 'n4': }
notify { 'n5': }
Notify['n4'] <- Notify['n5']
define d5(Array[Integer] $x) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7']: x => ['10'].map |$x| { 100 } }
notify { 'n8': message => {'c' => 'é', 'b' => 1, 'a' => ''} }

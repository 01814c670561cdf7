$v0 = (split('3.5', '')[0] in Integer[0, 2].map |$i| { $i * 2 })
$v1 = length(String(type(['é', 'é'], generalized)))
notify { 'n1': message => sort([]) }
notify { 'n2': message => 'é' }
define d2(Array[Integer] $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => [[$v1], 0].flatten }

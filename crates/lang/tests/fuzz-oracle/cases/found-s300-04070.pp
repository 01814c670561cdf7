$v0 = (100 in ['é', 'ab,cd'].map |$x| { 10 })
define d0(Iterable $x = true) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']:  }
notify { 'n3': }
notify { 'n4': }
Notify['n3'] <- Notify['n4']
$v1 = 2
$v2 = size([10, 'x y', 'ab,cd'])

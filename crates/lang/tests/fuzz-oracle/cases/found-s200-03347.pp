notify { 'n1': }
notify { 'n2': }
Notify['n1'] ~> Notify['n2']
3.each |$i, $v| {
  notify { "n3-${i}": message => (1 <= $v) }
}
if ('' == Integer[5].map |$x| { $x }) {
  notify { 'n4': message => [100, 'Hello'].slice(2).map |$p| { size($p) } }
} else {
  notify { 'n5': message => 10 }
}
Notify { tag => true }
notify { 'n6': message => ['10', -5].map |$x| { "${x}" }[0] }

$v0 = 0.step(2).map |$x| { $x }
$v1 = ('abc'[1, -1] =~ /[0-9]+/)
if (3 < 42) {
  notify { 'n1': message => ({'d' => 'A', 'a' => -5, 'c' => 2} - /a/) }
} else {
  notify { 'n2': message => $v0.reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
$v2 = 'b'
notify { 'n3': }
notify { 'n4': }
Notify['n3'] ~> Notify['n4']
notify { 'n5': message => split([$v2].map |$x| { "${x}" }[0], ',') }

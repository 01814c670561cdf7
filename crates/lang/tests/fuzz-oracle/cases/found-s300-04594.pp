Notify { tag => true }
notify { 'n1': message => ('ab,cd' < '10') }
$v0 = ['x y', 10][1, -1].reduce(0) |$m, $v| { $m + 2 }
$v1 = ({'c' => $v0} + {'d' => '3.5', 'b' => '', 'c' => 2}).filter |$k, $v| { $k < 'a' }
[1, 2, 3].each |$i, $v| {
  notify { "n2-${i}": message => $v }
}
case Integer([]) {
  $v0, -1: { notify { 'n3': message => Boolean('false') } }
  default: { notify { 'n4': message => 100 } }
}

$v0 = keys({}).map |$x| { "${x}" }[0]
define d0(Struct[{ Optional['a'] => Integer, 'b' => String }] $x = {'b' => $v0, 'd' => -5, 'c' => 2}) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => [$v0].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
$v1 = { 'A' => sprintf('%-3s|', 0), 'z' => 42 }
case 5.step(1).map |$x| { $x } {
  100, /^a/: { notify { 'n3': message => {'b' => $v0, 'c' => 0} } }
  default: { notify { 'n4': message => {'c' => 42, 'd' => 0, 'a' => -1} } }
}
$v2 = "v=${[0, 7, 1][5]}"

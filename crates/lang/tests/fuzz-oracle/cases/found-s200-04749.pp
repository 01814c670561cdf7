define d0(Array $x = ['x y']) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => [1] }
notify { 'n3': message => String([].reduce({}) |$m, $v| { $m + { "${v}" => $v } }) }
$v0 = values([].reduce({}) |$m, $v| { $m + { "${v}" => $v } })
define d3(Pattern[/^a/] $x = 'abc') {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5', 'n6']: x => String(type({'c' => 'x y', 'b' => 10})) }

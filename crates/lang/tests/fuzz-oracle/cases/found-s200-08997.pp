unless [0].all |$x| { $x =~ Integer } {
  notify { 'n1': message => ['ab,cd', 'é'] }
} else {
  notify { 'n2': message => String(type(''[{'c' => 42, 'a' => 'x y'}], generalized)) }
}
3.each |$v| {
  notify { "n3-${v}": message => (false and true) }
}
define d3(Collection $x) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5']: x => {'d' => -5, 'b' => 10} }
$v0 = [10, -1, -5][0]
notify { 'n6': message => abs(-5) }

class c0(Array[Integer] $p) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
include c0
notify { 'n3': message => {'b' => 1, 'c' => 100} }
['a', 'b'].each |$i, $v| {
  notify { "n4-${i}": message => [$v].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
if empty('10') {
  notify { 'n5': message => (default / ['é', 1, 7]) }
} else {
  notify { 'n6': message => ('é' / default) }
}
$v0 = regsubst("a-${3}", '[0-9]', '')
notify { 'n7': }
notify { 'n8': }
Notify['n7'] <- Notify['n8']

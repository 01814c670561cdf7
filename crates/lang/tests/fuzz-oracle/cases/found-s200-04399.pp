$v0 = ('b' != "v=${42}")
[1, 2, 3].each |$v| {
  notify { "n1-${v}": message => String(type({'c' => $v, 'd' => '3.5', 'a' => '10'}, generalized)) }
}
$v1 = unique(['A', -1, 1]).reduce(0) |$m, $v| { $m + $m }
$v2 = ({} - Integer[0, 4].map |$i| { $i * 2 })
Notify { tag => x }
notify { 'n2': message => ('42' =~ /[0-9]+/) }
class c0(Data $p) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': p => true }

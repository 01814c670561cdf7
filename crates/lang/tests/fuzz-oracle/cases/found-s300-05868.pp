class c0(Array $p = [-5, 100]) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': }
define d2(Array[Variant[Integer, String]] $x = ['é']) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => ['é', 'true'] }
$v0 = (true =~ Numeric)
$v1 = {'b' => '', 'c' => 2, 'd' => 2}
[1, 2, 3].each |$i, $v| {
  notify { "n5-${i}": message => String(type([])) }
}
class c1(Hash $p = $v1) {
  notify { 'n6': message => $p }
  notify { 'n7': message => "${p}-${title}-${name}" }
}
class { 'c1': p => { 'true' => false, 'z' => true } }

notify { 'n1': }
notify { 'n2': }
Notify['n1'] ~> Notify['n2']
class c0(Optional[Boolean] $p = false) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': }
$v0 = length('abc'[5])
define d4(Optional[String] $x = 'ab,cd') {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6']: x => capitalize('3.5') }
notify { 'n7': message => ({'b' => 42, 'a' => 100, 'c' => $v0} - ['é', $v0, 'b']) }
notify { 'n8': message => -5 }
3.each |$i, $v| {
  notify { "n9-${i}": message => String(type({'b' => $v0})) }
}

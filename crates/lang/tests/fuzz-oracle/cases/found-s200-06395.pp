notify { 'n1': message => "v=${0}" }
notify { 'n2': message => false ? { true => 'true', default => 'Hello' } }
class c0(Iterable $p = false) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
include c0
define d4(String[1] $x = []) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6']: x => [-1, 'é'][5, 1] }
$v0 = ({'c' => 2, 'a' => '0x1F', 'd' => '3.5'} - {'b' => 'é'}).filter |$k, $v| { $k != 'a' }
$v1 = "${String(7)}-${((false or true))}"

notify { 'n1': message => {'d' => -1, 'b' => 'true'}.filter |$k, $v| { $k == 'd' }.filter |$k, $v| { $k == 'd' } }
class c0(Iterable $p = {'b' => '10', 'd' => 'true', 'c' => 'a'}) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
include c0
notify { 'n4': message => (String < [100]) }
class c1(Data $p = {'b' => -5}) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
contain c1
$v0 = -1
$v1 = $v0

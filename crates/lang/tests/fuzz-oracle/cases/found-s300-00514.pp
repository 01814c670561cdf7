if ['a', '10', -5].all |$x| { $x =~ Integer } {
  notify { 'n1': message => (-5 << 0) }
} else {
  notify { 'n2': message => {'a' => 2, 'b' => 'true'}.filter |$k, $v| { $k < 'b' } }
}
notify { 'n3': message => 5.step(2).map |$x| { $x }.map |$x| { "${x}" }[0] }
class c0(String $p = '42') {
  notify { 'n4': message => $p }
  notify { 'n5': message => "${p}-${title}-${name}" }
}
class { 'c0': p => 'x y' }
$v0 = String(type(values({})))
notify { 'n6': message => $v0 }
notify { 'n7': message => (10 == $v0) }
Notify { loglevel => x }
notify { 'n8': message => [1].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }

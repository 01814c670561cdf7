Notify { loglevel => notice }
notify { 'n1': message => [0, 100].map |$x| { "${x}" }[0] }
notify { 'n2': message => String(type(['a', '42'], generalized)) }
notify { 'n3': message => (true and false) }
notify { 'n4': message => -5 }
$v0 = ([42, '3.5', 'a'] - []).reduce({}) |$m, $v| { $m + { "${v}" => $v } }
$v1 = Integer('-7')
class c0(Hash $p = $v0) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
class { 'c0': p => {'b' => 'b'} }

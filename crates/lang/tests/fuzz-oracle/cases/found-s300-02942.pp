class c0( $p = 'Hello') {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': p => downcase('10') }
Notify { tag => notice }
notify { 'n3': message => strip('true') }
notify { 'n4': message => Integer({'b' => 10, 'a' => 'b'}) }
Notify { loglevel => true }
notify { 'n5': message => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n6': message => (({'a' => 42, 'd' => 100, 'c' => 'x y'} + {'a' => 42}) + {'b' => -1}.filter |$k, $v| { $k < 'c' }) }
class c1(Array $p = [10, '10', 10]) {
  notify { 'n7': message => $p }
  notify { 'n8': message => "${p}-${title}-${name}" }
}
contain c1

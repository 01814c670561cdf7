notify { 'n1': message => max(min(10, 7), [10, 100, -1][5]) }
Notify { loglevel => x }
notify { 'n2': message => 'abc' }
if ('A' in {'a' => 'A', 'd' => 'b', 'c' => 'abc'}) {
  notify { 'n3': message => 1 }
} else {
  notify { 'n4': message => ['3.5', '3.5'].filter |$x| { $x =~ Integer } }
}
$v0 = true
$v1 = (({'b' => '10'} - {'c' => 100, 'a' => 3}) - { 'true' => '3.5', 'z' => 0 })
class c0( $p = true) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
class { 'c0': p => (['true', 'é', -5][['3.5']] =~ Data) }

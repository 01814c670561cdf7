notify { 'n1': message => ['', 'a'] }
Notify { tag => notice }
notify { 'n2': message => regsubst('é', '[0-9]', 'X', 'G') }
class c0(Boolean $p = false) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': p => [].all |$x| { $x =~ Integer } }
unless ('3.5' in []) {
  notify { 'n5': message => false }
} else {
  notify { 'n6': message => (default / /a/) }
}
class c1(Pattern[/^a/] $p) {
  notify { 'n7': message => $p }
  notify { 'n8': message => "${p}-${title}-${name}" }
}
contain c1
$v0 = {'b' => 7, 'a' => 10, 'c' => '3.5'}

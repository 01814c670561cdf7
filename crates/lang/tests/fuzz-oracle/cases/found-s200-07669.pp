notify { 'n1': message => ({} + {'a' => '42', 'c' => 'é'}) }
notify { 'n2': message => ({'d' => 'Hello'} / 'A') }
notify { 'n3': message => (7 < 0) }
unless ('abc' =~ /^$/) {
  notify { 'n4': message => empty({'a' => 'A', 'c' => 'A', 'b' => -5}) }
} else {
  notify { 'n5': message => (-1 % 1) }
}
class c0(Array[Integer] $p) {
  notify { 'n6': message => $p }
  notify { 'n7': message => "${p}-${title}-${name}" }
}
include c0

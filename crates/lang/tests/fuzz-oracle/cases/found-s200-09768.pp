notify { 'n1': message => (true == {'c' => 100, 'a' => 100}) ? { true => 'x y', default => 'Hello' } }
notify { 'n2': message => empty('a') }
notify { 'n3': message => {'c' => '42', 'b' => 10} }
notify { 'n4': message => true }
class c0( $p) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
class { 'c0': p => (['A'] - [10, -1, 'a']) }

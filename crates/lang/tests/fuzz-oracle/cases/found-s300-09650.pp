notify { 'n1': message => false }
notify { 'n2': message => ('3.5' in {'d' => '0x1F', 'b' => '', 'c' => 'b'}) }
Notify { loglevel => x }
notify { 'n3': message => (10 / 1) }
notify { 'n4': message => String(type([], generalized)) }
notify { 'n5': message => [].map |$x| { "${x}" }[0] }
notify { 'n6': message => (3 % -2) }
class c0(Collection $p) {
  notify { 'n7': message => $p }
  notify { 'n8': message => "${p}-${title}-${name}" }
}
class { 'c0': p => {'a' => -5} }

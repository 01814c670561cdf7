notify { 'n1': message => (Integer(true) * 7) }
class c0(Collection $p = []) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
class { 'c0': }
case (false =~ Float[0.0, 1.0]) {
  Iterable: { notify { 'n4': message => [10, 3, -1][1] } }
  default: { notify { 'n5': message => {'b' => 1, 'a' => 'b'} } }
}

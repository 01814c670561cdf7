class c0( $p = 'b') {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': }
notify { 'n3': message => String(type([])) }

notify { 'n1': message => ((-1 >= 2) or ['A', 2, '42'].all |$x| { $x =~ Integer }) }
notify { 'n2': message => (-2 == String[0, 2][2.5]) }
class c0(String $p) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
include c0
case Hash(['a', 1, 'b', 2]) {
  0: { notify { 'n5': message => (0 / 1) } }
  default: { notify { 'n6': message => false } }
}

notify { 'n1': message => Integer[5].filter |$x| { $x } }
class c0( $p) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
include c0
notify { 'n4': message => split('10', 'b')[0] }
$v0 = 5.step(2).map |$x| { $x }

case 5.step(2).map |$x| { $x } {
  7: { notify { 'n1': message => ['ab,cd', 0].reduce(0) |$m, $v| { $m + 2 } } }
  default: { notify { 'n2': message => true } }
}
notify { 'n3': message => ['42'].filter |$x| { $x =~ String } }
notify { 'n4': message => (['ab,cd'] << Array[String, 1][2]) }
Notify { withpath => debug }
notify { 'n5': message => 'abc' }
class c0(Scalar $p = false) {
  notify { 'n6': message => $p }
  notify { 'n7': message => "${p}-${title}-${name}" }
}
class { 'c0': p => (2 < -5) }

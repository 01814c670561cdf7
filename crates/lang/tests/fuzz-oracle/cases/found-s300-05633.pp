notify { 'n1': message => split('10', 'b')[0] }
notify { 'n2': message => Integer(Enum['a', 'b']) }
define d2(Enum['a', 'b', 'abc'] $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => [7, '', 100].map |$x| { "${x}" }[0] }
class c0(Data $p) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
contain c0
class c1(Scalar $p) {
  notify { 'n7': message => $p }
  notify { 'n8': message => "${p}-${title}-${name}" }
}
class { 'c1': p => 'b' }

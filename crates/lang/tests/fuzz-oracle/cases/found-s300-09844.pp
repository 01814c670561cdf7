define d0(Integer[0, 10] $x = '10') {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => 'true'[0, 2] }
define d3(Data $x = true) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5', 'n6']: x => ['Hello', 10, -5].all |$x| { $x =~ Integer } }
notify { 'n7': message => if true { 0 } else { 10 } }
class c0( $p) {
  notify { 'n8': message => $p }
  notify { 'n9': message => "${p}-${title}-${name}" }
}
class { 'c0': p => (10 in ['', '0x1F']) }
notify { 'n10': message => size((['x y', -5] << 'b')) }
notify { 'n11': message => chomp([].map |$x| { "${x}" }[0]) }

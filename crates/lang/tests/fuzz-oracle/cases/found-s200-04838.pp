define d0(Hash $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => {}.filter |$k, $v| { $k == 'c' } }
if ('x y' in ['true']) {
  notify { 'n4': message => regsubst('b', '[0-9]', '') }
} else {
  notify { 'n5': message => ('' =~ /^$/) }
}
['3.5', '42'].filter |$x| { $x =~ String }.each |$v| {
  notify { "n6-${v}": message => max($v, 10) }
}
case Boolean('false') {
  /^a/, 0: { notify { 'n7': message => (10 + 42) } }
  default: { notify { 'n8': message => ['true', 2] } }
}
class c0( $p = false) {
  notify { 'n9': message => $p }
  notify { 'n10': message => "${p}-${title}-${name}" }
}
include c0

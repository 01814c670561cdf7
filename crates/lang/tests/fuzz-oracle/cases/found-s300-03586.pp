notify { 'n1': message => chomp(String(type(['x y', -1, 'a'], generalized))) }
$v0 = 'é'[1]
class c0( $p = {'a' => '', 'd' => 100}) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
include c0
unless ($v0 in 'A') {
  notify { 'n4': message => sprintf('%05d', 10) }
} else {
  notify { 'n5': message => [2, $v0] }
}
notify { 'n6': message => Array(Hash([['a', 1]])) }

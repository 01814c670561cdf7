$v0 = !!true
notify { 'n1': message => strip(String(['ab,cd', 3, 'A'])) }
$v1 = ['ab,cd'].reverse_each.map |$x| { $x }.reduce(0) |$m, $v| { $m + $m }
$v2 = ({ 'x y' => ([100] << undef), 'z' => sort([3, '', $v1]) } - ['Hello', -1, $v1].map |$x| { 1 })
class c0( $p) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
contain c0

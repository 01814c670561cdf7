Notify { withpath => debug }
notify { 'n1': message => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
case Collection[Array[Variant[Integer, String]]] {
  Any: { notify { 'n2': message => { 'true' => 2.5.filter |$x| { $x }, 'z' => {'c' => -5} } } }
  default: { notify { 'n3': message => [0] } }
}
$v0 = sprintf('%d', (0 / 1))

['a', 'b'].each |$v| {
  notify { "n1-${v}": message => ['é'].any |$x| { $x == $v } }
}
$v0 = String(type([]))
case false ? { true => 'a', default => 'Hello' } {
  Boolean: { notify { 'n2': message => (100 + undef) } }
  default: { notify { 'n3': message => $v0 } }
}

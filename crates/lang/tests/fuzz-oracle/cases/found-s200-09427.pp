$v0 = keys({}).reduce({}) |$m, $v| { $m + { "${v}" => $v } }
$v1 = chomp('3.5')
$v2 = true ? { true => -5, default => 1 }
notify { 'n1': }
notify { 'n2': }
Notify['n1'] <- Notify['n2']
case $v2.each |$x| { $x } {
  $v2: { notify { 'n3': message => ($v2 * -1) } }
  default: { notify { 'n4': message => ($v0 + default) } }
}

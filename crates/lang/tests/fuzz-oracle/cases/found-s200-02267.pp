3.each |$i, $v| {
  notify { "n1-${i}": message => split('true', '')[0] }
}
$v0 = ('abc' in '42') ? { true => '0x1F', default => 'Hello' }
notify { 'n2': message => strip([].map |$x| { "${x}" }[0]) }

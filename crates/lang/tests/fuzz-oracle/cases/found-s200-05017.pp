notify { 'n1': message => 'ab,cd'[Integer[0, 10]] }
[].each |$v| {
  notify { "n2-${v}": message => ($v in []) }
}
$v0 = size(split('0x1F', '[a-c]'))
$v1 = (keys({}) - ['x y', 100, $v0].filter |$x| { $x =~ String })

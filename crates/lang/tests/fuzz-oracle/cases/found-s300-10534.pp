3.each |$i, $v| {
  notify { "n1-${i}": message => String($v) }
}
$v0 = (({'c' => 100} - {'c' => 'A', 'b' => 'A', 'a' => 3}) - Array([2, 'true']))
case !true {
  /^a/: { notify { 'n2': message => downcase('10') } }
  default: { notify { 'n3': message => ['3.5', 7, 10]['0x1F'] } }
}

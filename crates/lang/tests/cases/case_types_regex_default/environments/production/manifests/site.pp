$v = 42
case $v {
  String: { $r = 'string' }
  Integer[0, 10]: { $r = 'small' }
  Integer: { $r = 'int' }
  default: { $r = 'other' }
}
$s = 'web42'
case $s {
  /^db/: { $t = 'db' }
  /^web(\d+)/: { $t = "web ${1}" }
}
$x = [1, 'b'] ? { [1, /a|b/] => 'matched', default => 'no' }
notify { 'x': message => "${r} ${t} ${x}" }

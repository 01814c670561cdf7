$host = 'web42.example.com'
$n = $host ? { /^web(\d+)\./ => "number-${1}", default => 'none' }
$t = 8080 ? { Integer[1, 1024] => 'low', Integer => 'high', default => 'other' }
$a = ['x', 1] ? { ['x', 1] => 'pair', default => 'no' }
case $host {
  /^(db|web)(\d+)/: { $kind = "${1}/${2}/${0}" }
  default: { $kind = 'unknown' }
}
notify { 'x': message => "${n} ${t} ${a} ${kind}" }

type MyPort = Integer[1, 65535]
type Mode = Enum['a', 'b']
class svc(MyPort $port = 80, Mode $mode = 'a') {
  notify { "port-${port}-${mode}": }
}
class { 'svc': port => 8080, mode => 'b' }
$ok = 443 =~ MyPort
$bad = 70000 =~ MyPort
notify { 'x': message => "${ok} ${bad}" }

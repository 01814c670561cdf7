$s = Sensitive.new('pw')
$plain = $s.unwrap
$ok = $s =~ Sensitive[String]
class secret(Sensitive[String] $password) {
  file { '/etc/secret': content => $password }
}
class { 'secret': password => Sensitive('hunter2') }
notify { 'x': message => "${plain} ${ok} ${s}" }

define myapp::instance (
  $port = 8080,
  $ensure = present,
) {
  file { "/etc/myapp/${title}.conf":
    ensure  => $ensure,
    content => "port=${port} name=${name}\n",
  }
  notify { "instance ${title}": }
}
myapp::instance { 'alpha': port => 9000 }
myapp::instance { ['beta', 'gamma']: }

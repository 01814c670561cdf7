class base {
  file { '/etc/app.conf': ensure => file, mode => '0600' }
}
class base::child inherits base {
  File['/etc/app.conf'] { mode => '0644', owner => 'app' }
}
include base::child

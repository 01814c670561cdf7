file { '/tmp/before': ensure => file }
File {
  mode  => '0644',
  owner => 'root',
}
file { '/tmp/after': ensure => file }
file { '/tmp/explicit': ensure => file, mode => '0600' }
class inner {
  file { '/tmp/inner': ensure => file }
}
include inner

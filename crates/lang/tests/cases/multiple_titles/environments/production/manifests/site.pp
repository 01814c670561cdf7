file { ['/tmp/a', '/tmp/b']:
  ensure => directory,
}
file {
  '/tmp/c':
    ensure => file;
  '/tmp/d':
    ensure => link,
    target => '/tmp/c';
}
package { 'vim': ensure => installed, name => 'vim' }
package { 'curl': ensure => installed, name => 'curl-bin' }

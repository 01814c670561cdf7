file {
  default:
    ensure => file,
    mode   => '0644';
  '/tmp/a':
    owner => 'root';
  '/tmp/b':
    mode => '0600';
}

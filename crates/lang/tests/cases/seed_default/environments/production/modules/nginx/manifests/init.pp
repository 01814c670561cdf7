class nginx {
  package { 'nginx':
    ensure => installed,
  }
}

file { '/a':
  ensure  => file,
  require => Package['missing'],
}

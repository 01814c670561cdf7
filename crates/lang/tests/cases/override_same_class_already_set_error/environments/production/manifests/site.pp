class c {
  package { 'n':
    ensure => present,
  }
  Package['n'] { ensure => absent }
}
include c

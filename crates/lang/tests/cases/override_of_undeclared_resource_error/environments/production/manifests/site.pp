node default {
  Package['never'] { require => Package['pip'] }
  Service['nope'] { enable => true }
  package { 'pip': }
}

class a { package { 'p': ensure => present } }
class b {
  Package['p'] { require => Package['q'] }
  package { 'q': }
}
node default { include a include b }

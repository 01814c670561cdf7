# An override may name a resource declared later (collectd's cuda plugin does); Puppet merges it
# when the catalog is finished, after relationships.
class base {
  Package['later'] { require => Package['pip'] }
  package { 'pip': }
  package { 'later': ensure => present, tag => ['first'] }
}
define wrap::thing() {
  notify { "inner-${title}": }
}
class c {
  file { '/d': ensure => directory }
  # A collector in a relationship collects resources declared later by defines, by the tags
  # they carry from their scope when they are declared.
  File['/d'] -> Notify <| tag == 'wrap::thing' |>
}
node default {
  include base
  include c
  wrap::thing { 'x': }
}

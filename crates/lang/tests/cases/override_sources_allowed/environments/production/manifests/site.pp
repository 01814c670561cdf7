# Who may override a resource's parameters (Puppet's Parser::Resource#merge): its own source
# (for a new parameter), a class inheriting it at any depth, an instance of the same defined
# type, and any collector.
class base { package { 'p': ensure => present } file { '/f': } }
class base::mid inherits base { }
class base::leaf inherits base::mid { Package['p'] { ensure => latest, require => File['/f'] } }
class same { service { 's': } Service['s'] { enable => true } }
define d() {
  package { "in-${title}": }
  if $title == 'y' { Package['in-x'] { ensure => absent } }
}
class other { Package <| title == 'in-y' |> { ensure => '1.0' } File <| |> { mode => '0600' } }
node default {
  include base::leaf
  include same
  d { 'x': }
  d { 'y': }
  include other
}

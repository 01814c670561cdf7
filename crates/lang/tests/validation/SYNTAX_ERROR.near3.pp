class profile::web (
  String $docroot = '/var/www',
  Array[String] $vhosts = [],
  Hash[String, Integer] $ports = { 'http' => 80, 'https' => 443 },
  Optional[Enum['a', 'b']] $mode = undef,
) inherits profile::base {
  include apache
  contain profile::web::config
  $vhosts.each |String $v| {
    apache::vhost { $v:
      docroot => "${docroot}/${v}",
      port    => $ports['http'],
      require => Class['apache'],
    }
  }
  if $facts['os']['family'] == 'Debian' and $mode =~ String {
    package { ['a', 'b']: ensure => installed }
  } elsif $mode == 'b' {
    notify { 'b': }
  } else {
    warning("unknown ${mode}")
  }
  $x = case $mode { 'a': { 1 } default: { 2 } }
  $y = $mode ? { undef => 'none', default => $mode }
  File { owner => 'root' }
  Package['a'] -> Service['s'] ~> Exec['e']
  @@sshkey { $facts['networking']['fqdn']: type => 'ssh-rsa', key => 'x' }
  Sshkey <<| |>>
  $z = $vhosts.reduce(0) |$memo, $v| { $memo + 1 }
  $s = @("EOT"/L)
    Hello ${x} \
    world
    | EOT
  unless $x { fail('no') }
}

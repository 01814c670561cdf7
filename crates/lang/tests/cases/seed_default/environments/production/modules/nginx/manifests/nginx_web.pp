class nginx::nginx_web inherits nginx {
  file { '/etc/nginx/nginx.conf':
    ensure  => file,
    source  => 'puppet:///modules/nginx/nginx-web.conf',
    mode    => '0644',
    owner   => 'root',
    group   => 'root',
    notify  => Service['nginx'],
    require => Package['nginx'],
  }
  service { 'nginx':
    ensure => running,
  }
}

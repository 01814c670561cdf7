class c {
  notify { 'x': message => "${::osfamily} ${facts['os']['family']} ${::trusted['certname']} ${clientcert}" }
}
include c

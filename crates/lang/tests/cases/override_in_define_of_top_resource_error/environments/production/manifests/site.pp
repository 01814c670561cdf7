package { 'top': }
define d() {
  Package['top'] { ensure => latest }
}
node default { d { 'x': } }

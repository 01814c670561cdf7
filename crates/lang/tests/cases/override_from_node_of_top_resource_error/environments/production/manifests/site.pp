package { 'top': }
node default {
  Package['top'] { ensure => latest }
}

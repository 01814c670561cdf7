node default {
  file { ensure => file }
}

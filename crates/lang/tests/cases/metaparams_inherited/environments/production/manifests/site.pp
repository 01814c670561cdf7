class quiet {
  notify { 'q1': }
  file { '/tmp/q': ensure => file }
}
class { 'quiet': noop => true, loglevel => 'debug' }
define wrapper() { notify { "inner-${title}": } }
wrapper { 'w': noop => true, schedule => 'daily' }

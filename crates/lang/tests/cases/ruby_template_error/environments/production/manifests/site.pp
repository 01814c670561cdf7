class rb { $x = 1
 file { '/tmp/t': content => template('rb/broken.erb') } }
include rb

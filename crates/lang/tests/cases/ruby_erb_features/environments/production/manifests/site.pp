class rb($x = 'ex', $y = 'why') {
  $flag = true
  $arr = [1, 'two', undef, [3]]
  $h = {'k' => 'v', 'n' => 2, 'u' => undef}
  $i = 9007199254740993
  $f = 1.5
  $s = "quote\"d"
  $secret = Sensitive('pw')
  $t = String[1]
  $re = /a+b/
  $ref = File['/tmp/x']
  file { '/tmp/stdlib': content => template('rb/stdlib.erb') }
  file { '/tmp/semicolons': content => template('rb/semicolons.erb') }
  file { '/tmp/oneline': content => template('rb/oneline.erb') }
  file { '/tmp/scope': content => template('rb/scope.erb') }
  file { '/tmp/values': content => template('rb/values.erb') }
  file { '/tmp/inline': content => inline_template("<%= @x %>-<%= [1, 2].map { |v| v * 2 }.join(',') %>\n") }
}
include rb

class a::b {
  $is_b = tagged('a::b')
  $is_x = tagged('x')
  notify { 'n': message => "${is_b} ${is_x}" }
}
include a::b

class a { $v = 'from-a' }
class b {
  include a
  notify { 'x': message => "${a::v} ${::a::v}" }
}
include b

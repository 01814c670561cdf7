function f(Integer $x) {
  if $x > 3 { return('big') }
  'small'
}
notify { 'x': message => "${f(1)} ${f(10)}" }

$top = 'top'
node default {
  $nodevar = 'node'
  include c
}
class c {
  notify { 'x': message => "${top} ${nodevar}" }
}

class base($x = 'base') {
  notify { "base-${x}": }
}
class child inherits base {
  Notify["base-base"] { message => 'overridden' }
}
include child

class inner {
  notify { 'in-inner': }
}
class outer {
  Notify { message => 'from-outer' }
  include inner
  notify { 'in-outer': }
}
include outer
notify { 'top': }

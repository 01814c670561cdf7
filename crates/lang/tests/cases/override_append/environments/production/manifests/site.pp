class base {
  notify { 'n': tag => ['t1'], require => Notify['dep'] }
  notify { 'dep': }
  notify { 'dep2': }
}
class child inherits base {
  Notify['n'] { require +> Notify['dep2'] }
}
include child

class c {
  notify { 'a': }
}
include c
Notify['a'] { message => 'x' }

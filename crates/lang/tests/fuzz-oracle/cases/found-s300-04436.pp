notify { 'n1': message => '' }
case [2, -1][2.5] {
  /^a/, 'a': { notify { 'n2': message => --5 } }
  default: { notify { 'n3': message => false } }
}
notify { 'n4': message => [] }
notify { 'n5': message => size([]) }
class c0(String $p = '') {
  notify { 'n6': message => $p }
  notify { 'n7': message => "${p}-${title}-${name}" }
}
include c0

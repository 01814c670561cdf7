if empty('0x1F') {
  notify { 'n1': message => [-1, 'ab,cd'].map |$x| { "${x}" }[0] }
} else {
  notify { 'n2': message => 100 }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] ~> Notify['n4']
notify { 'n5': message => split(String(type([3, 2, 0], generalized)), 'b')[0] }

$v0 = []
notify { 'n1': message => [keys({}), 2].flatten }
Notify { withpath => notice }
notify { 'n2': message => regsubst('b', '^', 'X') }
if [1].all |$x| { $x =~ Integer } {
  notify { 'n3': message => (Integer[5] < 2.5) }
} else {
  notify { 'n4': message => Integer('0x1F') }
}

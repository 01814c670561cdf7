Notify { withpath => notice }
notify { 'n1': message => Hash([['a', 1]]) }
if ('A' == 'b') {
  notify { 'n2': message => Boolean('true') }
} else {
  notify { 'n3': message => max(100, -5) }
}
notify { 'n4': message => Hash([['a', 1]]) }
notify { 'n5': message => String[0, 2][2.5] }

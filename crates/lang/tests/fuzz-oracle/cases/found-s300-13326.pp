case length('') {
  'Hello', 2: { notify { 'n1': message => keys(Undef) } }
  default: { notify { 'n2': message => [][2.5] } }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] -> Notify['n4']
$v0 = String(('abc' =~ /[0-9]+/))

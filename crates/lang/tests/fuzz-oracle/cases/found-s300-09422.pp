case false {
  '42', Iterable: { notify { 'n1': message => split('10', '')[0] } }
  default: { notify { 'n2': message => 'ab,cd' } }
}
case [[3, '3.5'], 42].flatten {
  100, /^a/: { notify { 'n3': message => String(type('x y', generalized)) } }
  default: { notify { 'n4': message => 2 } }
}
Notify { loglevel => x }
notify { 'n5': message => !false }

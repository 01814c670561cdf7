case String(['42']) {
  10, /^a/: { notify { 'n1': message => '' } }
  default: { notify { 'n2': message => {} } }
}
notify { 'n3': message => downcase(String(type(['0x1F', 100, '3.5'], generalized))) }

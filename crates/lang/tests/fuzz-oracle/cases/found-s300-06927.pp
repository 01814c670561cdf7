case 1 {
  /^a/: { notify { 'n1': message => 'ab,cd' } }
  default: { notify { 'n2': message => false } }
}
Notify { withpath => notice }
notify { 'n3': message => [42, 100][-2, 1] }
notify { 'n4': message => true }
notify { 'n5': message => (Iterable < undef) }

notify { 'n1': message => (split('10', ',') - ([1, 2] + [7, 100])) }
case ({'b' => 'ab,cd', 'a' => '0x1F'} and undef) {
  'abc': { notify { 'n2': message => (undef / /a/) } }
  default: { notify { 'n3': message => 1 } }
}
notify { 'n4': message => 'A' }
case false ? { true => 10, default => 10 } {
  '': { notify { 'n5': message => ('x y' in [42, 7]) } }
  default: { notify { 'n6': message => 'Hello' } }
}
unless false {
  notify { 'n7': message => sprintf('%x', 10) }
} else {
  notify { 'n8': message => values({'a' => ''}) }
}

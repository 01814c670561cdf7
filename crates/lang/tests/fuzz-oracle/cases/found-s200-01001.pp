case ({} / undef) {
  /^a/: { notify { 'n1': message => flatten(['true']) } }
  default: { notify { 'n2': message => 2.5.map |$x| { $x } } }
}
$v0 = (split('abc', 'b')[0] > regsubst('0x1F', '[0-9]', '\0', 'G'))
$v1 = {'b' => 2, 'c' => 1}
notify { 'n3': message => true }
Notify { tag => debug }
notify { 'n4': message => { 'ab,cd' => undef.map |$x| { $x }, 'z' => -/a/ } }
unless (2 in ['abc', 'é', 0]) {
  notify { 'n5': message => (false == false) }
} else {
  notify { 'n6': message => Hash([]) }
}

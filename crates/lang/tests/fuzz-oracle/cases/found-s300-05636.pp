notify { 'n1': message => length('a') }
notify { 'n2': message => ('Hello' =~ /^b/) }
notify { 'n3': message => {'a' => 'ab,cd'} }
$v0 = { 'a' => -1, 'z' => [2, 1, 'true'] }
if ('0x1F' != '0x1F') {
  notify { 'n4': message => Integer(3.7) }
} else {
  notify { 'n5': message => ['A', '', 0] }
}
notify { 'n6': message => String(type(($v0 - [42]))) }

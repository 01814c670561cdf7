notify { 'n1': }
notify { 'n2': }
Notify['n1'] <- Notify['n2']
Notify { tag => notice }
notify { 'n3': message => 'abc' }
$v0 = {'d' => '0x1F', 'a' => 'Hello'}
['10', 'b', 3].each |$i, $v| {
  notify { "n4-${i}": message => Regexp[['b', 'abc', 2]] }
}
if ('x y' < '') {
  notify { 'n5': message => false }
} else {
  notify { 'n6': message => -{'b' => '3.5'} }
}

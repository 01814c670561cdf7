unless (7 == 100) {
  notify { 'n1': message => String(type({'c' => 2})) }
} else {
  notify { 'n2': message => {} }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] <~ Notify['n4']
$v0 = 'b'

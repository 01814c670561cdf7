unless true {
  notify { 'n1': message => false[/a/] }
} else {
  notify { 'n2': message => Integer('42') }
}
notify { 'n3': message => 'A' }
notify { 'n4': message => ['', 42, 7] }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] <- Notify['n6']
$v0 = { 'a' => ['A', 7], 'z' => ['0x1F', '42', '3.5'] }
notify { 'n7': message => { 'x y' => '10', 'z' => 'true'[['0x1F', 10]] } }
notify { 'n8': message => (0 <= 100) }
$v1 = ['A', 'a']

$v0 = Hash(['a', 1, 'b', 2])
Notify { tag => true }
notify { 'n1': message => String(type([])) }
$v1 = { '0x1F' => {}, 'z' => [2, 42] }.filter |$k, $v| { $k == 'c' }
unless (10 <= 10) {
  notify { 'n2': message => 1 }
} else {
  notify { 'n3': message => { 'ab,cd' => 7, 'z' => [7] } }
}

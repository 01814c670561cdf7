Notify { tag => true }
notify { 'n1': message => true }
$v0 = []
notify { 'n2': message => (10 == max(0, -5)) }
notify { 'n3': message => [($v0 + $v0), 42].flatten }
case 'b' {
  NotUndef: { notify { 'n4': message => String(type({'c' => 'ab,cd'})) } }
  default: { notify { 'n5': message => false } }
}

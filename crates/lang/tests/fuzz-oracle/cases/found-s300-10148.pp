$v0 = { 'ab,cd' => empty([3, 'A', 'b']), 'z' => {'b' => 'ab,cd'} }
Notify { withpath => debug }
notify { 'n1': message => String(type([])) }
unless true {
  notify { 'n2': message => true ? { true => 'x y', default => '10' } }
} else {
  notify { 'n3': message => split('x y', 'b')[0] }
}
case false {
  /^a/, Any: { notify { 'n4': message => [].map |$x| { "${x}" }[0] } }
  default: { notify { 'n5': message => 2 } }
}
$v1 = Integer[1, 4].map |$i| { $i * 2 }

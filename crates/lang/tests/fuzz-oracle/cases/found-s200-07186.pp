Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n1-${v}": message => { 'b' => String[1][Struct[{ 'a' => Integer }]], 'z' => '10' } }
}
if false {
  notify { 'n2': message => "v=${0}" }
} else {
  notify { 'n3': message => ['x y', -1][-2, 1] }
}

$v0 = true
notify { 'n1': }
notify { 'n2': }
Notify['n1'] <- Notify['n2']
notify { 'n3': }
notify { 'n4': }
Notify['n3'] <- Notify['n4']
notify { 'n5': message => (true or true) }
notify { 'n6': message => ['x y', '0x1F', 'ab,cd'].slice(2).map |$p| { size($p) } }
case (false == (/a/ == true)) {
  /^a/, Data: { notify { 'n7': message => String(type({'d' => 1})) } }
  default: { notify { 'n8': message => Tuple[Integer, String].each |$x| { $x } } }
}

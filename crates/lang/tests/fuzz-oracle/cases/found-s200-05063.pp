notify { 'n1': message => 'é'[5] }
notify { 'n2': message => false }
unless [3, -1].all |$x| { $x =~ Integer } {
  notify { 'n3': message => (['x y', 'é'] << 3) }
} else {
  notify { 'n4': message => ([1] - []) }
}
case []['0x1F'] {
  Enum['a', 'b']: { notify { 'n5': message => keys({'c' => '', 'a' => '', 'b' => ''}) } }
  default: { notify { 'n6': message => ['a', 'x y'] } }
}
notify { 'n7': message => size(['x y'].map |$x| { 0 }) }
Notify { loglevel => debug }
notify { 'n8': message => keys({'d' => 7, 'c' => 100, 'b' => 2}) }

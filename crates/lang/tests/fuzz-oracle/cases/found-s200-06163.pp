case Variant[Integer, String][{'c' => -5}] {
  '', Data: { notify { 'n1': message => downcase('b') } }
  default: { notify { 'n2': message => ['42'] } }
}
notify { 'n3': message => 42 }
case { '' => 42[undef], 'z' => {'a' => 0, 'c' => 10, 'd' => 'ab,cd'} } {
  7: { notify { 'n4': message => '' } }
  default: { notify { 'n5': message => 3 } }
}
notify { 'n6': message => [2, 100, 3][1] }

$v0 = Boolean('true')
if ('b' == {'b' => 'Hello'}) {
  notify { 'n1': message => { '0x1F' => 'abc', 'z' => ({'b' => 7} + /a/) } }
} else {
  notify { 'n2': message => (10 >= 10) }
}
notify { 'n3': message => Enum['a', 'b'][{}] }
notify { 'n4': message => ({} + {}) }
if !false {
  notify { 'n5': message => sprintf('%x', 0) }
} else {
  notify { 'n6': message => 42 }
}
unless true {
  notify { 'n7': message => [].map |$x| { 10 } }
} else {
  notify { 'n8': message => String(type(join(2.5))) }
}

['a', 'b'].each |$i, $v| {
  notify { "n1-${i}": message => size(['10', $v]) }
}
case ['true', 'b', 'b'] {
  Collection, '': { notify { 'n2': message => Iterable[2.5] } }
  default: { notify { 'n3': message => [] } }
}
notify { 'n4': message => Hash([['a', 1]]) }
notify { 'n5': message => [].reverse_each.map |$x| { $x } }
notify { 'n6': message => 3 }
notify { 'n7': message => assert_type(Optional[Integer], 0) }
notify { 'n8': message => ([2, 'é'] - [42, 2, 'x y']) }
Notify { tag => notice }
notify { 'n9': message => [[100, 10], -5].flatten }

Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n1-${v}": message => {'b' => 42, 'a' => 'A'} }
}
notify { 'n2': message => (false =~ Iterable) }
notify { 'n3': message => (-5 < 1) }
notify { 'n4': message => ('x y' < split('ab,cd', 'b')[0]) }

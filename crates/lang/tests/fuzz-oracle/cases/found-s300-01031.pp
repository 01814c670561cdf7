if ('ab,cd' in {'b' => 1, 'c' => -5, 'a' => 'b'}) {
  notify { 'n1': message => { 'b' => ({'b' => 10, 'd' => 'abc'} % Tuple[Integer, String]), 'z' => 10 } }
} else {
  notify { 'n2': message => -5 }
}
notify { 'n3': message => sort(keys({'a' => -5, 'b' => 7, 'c' => 0})) }
notify { 'n4': message => 42 }
notify { 'n5': message => '0x1F' }
notify { 'n6': message => -Struct[{ 'a' => Integer }] }

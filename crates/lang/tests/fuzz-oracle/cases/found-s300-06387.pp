notify { 'n1': message => {'a' => '0x1F', 'c' => -1} }
$v0 = true
notify { 'n2': message => ((Hash < Struct[{ 'a' => Integer }]) == 0) }
notify { 'n3': message => '42'.each |$x| { $x } }
Notify { tag => notice }
notify { 'n4': message => String(true) }
$v1 = ['ab,cd', 0, 42]
notify { 'n5': message => !!false }

notify { 'n1': message => ([-1, 0, ''] - [100, 7, 0]) }
notify { 'n2': message => {'d' => 42} }
notify { 'n3': message => keys({'a' => -1})[-2, 1] }
$v0 = [3, 'x y'].all |$x| { $x =~ Integer }
if false {
  notify { 'n4': message => -1 }
} else {
  notify { 'n5': message => capitalize('Hello') }
}
notify { 'n6': message => String(type({'d' => 'true', 'c' => '3.5', 'a' => 'a'})) }
notify { 'n7': message => ({} - ['é']) }

class c0(Data $p = {'d' => 'Hello', 'c' => 10}) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': p => Hash([]) }
notify { 'n3': message => split(regsubst('', 'a', 'X', 'G'), '')[0] }
$v0 = chomp('A')[0]
unless !true {
  notify { 'n4': message => $v0.map |$x| { $x } }
} else {
  notify { 'n5': message => !false }
}
notify { 'n6': message => flatten([42, '3.5']) }
notify { 'n7': message => [].all |$x| { $x =~ Integer } }
notify { 'n8': message => String(type({'d' => 3}, generalized)) }

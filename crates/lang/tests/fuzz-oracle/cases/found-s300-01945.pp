notify { 'n1': }
notify { 'n2': }
Notify['n1'] <~ Notify['n2']
unless [].any |$x| { $x == 1 } {
  notify { 'n3': message => (2.5 << Struct[{ 'a' => Integer }]) }
} else {
  notify { 'n4': message => empty([]) }
}
class c0(Integer $p) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
contain c0
notify { 'n7': message => {'c' => 'Hello'}.map |$k, $v| { $k } }
notify { 'n8': message => ({} - {}) }

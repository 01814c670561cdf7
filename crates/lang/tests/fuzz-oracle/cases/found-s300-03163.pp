$v0 = "${true ? { true => 'true', default => 'true' }}-${(('b' =~ Array[String, 1]))}"
if true {
  notify { 'n1': message => Pattern[/^a/][undef] }
} else {
  notify { 'n2': message => false ? { true => 'b', default => $v0 } }
}
class c0(Array[String, 1] $p) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
include c0

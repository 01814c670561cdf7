notify { 'n1': message => sort(['A', 7, 2]) }
$v0 = '3.5'
class c0(Pattern[/^a/] $p = {'b' => $v0, 'd' => 42}) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
contain c0
unless (upcase(undef) == '') {
  notify { 'n4': message => String(type(2)) }
} else {
  notify { 'n5': message => values({'d' => $v0, 'c' => 7}) }
}
notify { 'n6': message => {'b' => $v0} }
notify { 'n7': message => 10 }
class c1(Any $p = -5) {
  notify { 'n8': message => $p }
  notify { 'n9': message => "${p}-${title}-${name}" }
}
class { 'c1': p => 100 }

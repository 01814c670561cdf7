case '0x1F'[[42, 42]] {
  /^a/: { notify { 'n1': message => length('é') } }
  default: { notify { 'n2': message => 0 } }
}
class c0(Array $p) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': p => ['0x1F', 3, 'A'][-2, 1] }
define d4(Optional[Integer] $x = -1) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']: x => length('10') }
unless (true == 1) {
  notify { 'n8': message => ['a'].map |$x| { "${x}" }[0] }
} else {
  notify { 'n9': message => 'a'[0] }
}
notify { 'n10': message => 'é'[{'c' => 'ab,cd', 'a' => 1, 'b' => 1}] }
notify { 'n11': message => ('10'[-1] != '') }

class c0(Iterable $p) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': p => ({'d' => 0} =~ Optional[String]) }
case [].slice(2).map |$p| { size($p) } {
  'A': { notify { 'n3': message => -default } }
  default: { notify { 'n4': message => '42' } }
}

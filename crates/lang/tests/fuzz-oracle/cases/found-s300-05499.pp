case ('true' =~ /a/) {
  /^a/: { notify { 'n1': message => [].all |$x| { $x =~ Integer } } }
  default: { notify { 'n2': message => {'b' => '0x1F', 'a' => 0} } }
}
class c0(Array[Variant[Integer, String]] $p = ['a', 'true', '3.5']) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': }
notify { 'n5': message => capitalize([].map |$x| { "${x}" }[0]) }
class c1(Variant[Integer, String] $p = 0) {
  notify { 'n6': message => $p }
  notify { 'n7': message => "${p}-${title}-${name}" }
}
include c1
class c2(Tuple[Integer, String] $p = false) {
  notify { 'n8': message => $p }
  notify { 'n9': message => "${p}-${title}-${name}" }
}
class { 'c2': p => Boolean('false') }

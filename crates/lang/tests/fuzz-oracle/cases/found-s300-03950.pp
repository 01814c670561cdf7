$v0 = ['true', 100]
class c0(Integer[0, 10] $p = 10) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': }
notify { 'n3': message => "${'x y'}-${(true)}" }
notify { 'n4': message => {} }
case {'d' => 7}.map |$k, $v| { $k } {
  'b': { notify { 'n5': message => values({}) } }
  default: { notify { 'n6': message => $v0 } }
}
case Boolean($v0) {
  Collection, 'abc': { notify { 'n7': message => Integer(default) } }
  default: { notify { 'n8': message => 0 } }
}

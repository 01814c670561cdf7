class c0(Data $p) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': p => false ? { true => 10, default => 10 } }
case 5.step(1).map |$x| { $x } {
  Hash[String, Integer], /^a/: { notify { 'n3': message => {'b' => 7, 'a' => 2, 'd' => 'a'} } }
  default: { notify { 'n4': message => false } }
}
notify { 'n5': }
notify { 'n6': }
Notify['n5'] -> Notify['n6']
define d6(Array[Integer] $x) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8', 'n9']: x => Array({}, true) }
unless empty({'b' => '3.5', 'd' => 7, 'c' => 10}) {
  notify { 'n10': message => Integer([0, '3.5']) }
} else {
  notify { 'n11': message => "a-${10}" }
}
values({}).each |$v| {
  notify { "n12-${v}": message => [$v, 100, 'b'].reverse_each.map |$x| { $x } }
}

notify { 'n1': }
notify { 'n2': }
Notify['n1'] <~ Notify['n2']
class c0(Integer[0, 10] $p = 100) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': p => 2 }
$v0 = sort(['A', 42, ''])
if false {
  notify { 'n5': message => sprintf('%-3s|', 42) }
} else {
  notify { 'n6': message => -{'d' => 100, 'b' => 'abc'} }
}
notify { 'n7': message => ({ '0x1F' => {}, 'z' => $v0 } + {'c' => '0x1F', 'd' => 'ab,cd', 'a' => 7}) }

notify { 'n1': message => !false }
notify { 'n2': message => Integer[5].map |$x| { $x } }
if !false {
  notify { 'n3': message => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
} else {
  notify { 'n4': message => 'true' }
}
notify { 'n5': message => '10' }
notify { 'n6': message => ('' != 'abc') }
notify { 'n7': message => ['b', -1].any |$x| { $x == 100 } }
notify { 'n8': message => ([-5] - [0, 100, '']) }
class c0(Integer $p) {
  notify { 'n9': message => $p }
  notify { 'n10': message => "${p}-${title}-${name}" }
}
include c0
$v0 = { '10' => {'c' => 'é'}, 'z' => true }

notify { 'n1': message => (({'a' => 3, 'b' => 7} - {'b' => '10'}) - 3.step(2).map |$x| { $x }) }
notify { 'n2': message => Iterable[1] }
$v0 = (if true { 1 } else { -5 } % 3)
Notify { withpath => true }
notify { 'n3': message => false ? { true => $v0, default => $v0 } }
Notify { withpath => notice }
notify { 'n4': message => empty('x y') }
class c0(Array $p = ['abc', 'a', $v0]) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
include c0

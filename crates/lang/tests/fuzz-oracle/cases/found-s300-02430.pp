$v0 = !(false and true)
$v1 = ('' != split('abc', ',')[0])
notify { 'n1': message => {'b' => 3, 'c' => 10, 'd' => 'abc'} }
define d1(Pattern[/^a/] $x = 'é') {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3', 'n4']: x => String(type({'a' => 2, 'c' => 10, 'b' => 'x y'})) }
class c0(Optional[Integer] $p = 1) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
class { 'c0': p => true ? { true => 1, default => 42 } }

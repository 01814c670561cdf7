define d0(Hash[String, Integer] $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => {'a' => 42, 'c' => '0x1F', 'b' => 7} }
Notify { loglevel => true }
notify { 'n4': message => (undef / {'a' => 'é'}) }
class c0(Pattern[/^a/] $p) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
contain c0
notify { 'n7': message => "v=${[0, -1, 10][5]}" }
class c1(Collection $p = {'c' => 'a', 'b' => 'x y', 'a' => 'b'}) {
  notify { 'n8': message => $p }
  notify { 'n9': message => "${p}-${title}-${name}" }
}
class { 'c1': p => {'a' => 10, 'c' => 'true', 'b' => 'x y'} }

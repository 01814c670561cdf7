class c0(Pattern[/^a/] $p = '3.5') {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': p => String(type({'c' => 7, 'd' => -1})) }
$v0 = split(split('', ',')[0], 'b')[0]
unless ('ab,cd' in 'Hello') {
  notify { 'n3': message => '3.5' }
} else {
  notify { 'n4': message => String(false) }
}
unless ([$v0, $v0] == true) {
  notify { 'n5': message => Integer[0, 3].map |$i| { $i * 2 } }
} else {
  notify { 'n6': message => [7][-2, 1] }
}
define d6(Regexp $x) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8']: x => !false }
notify { 'n9': }
notify { 'n10': }
Notify['n9'] <- Notify['n10']

unless ('true' != 'abc') {
  notify { 'n1': message => -1 }
} else {
  notify { 'n2': message => --5 }
}
if ('ab,cd' =~ /x y/) {
  notify { 'n3': message => '10' }
} else {
  notify { 'n4': message => ('Hello' =~ /^$/) }
}
notify { 'n5': message => split('A', '[a-c]').slice(2).map |$p| { size($p) } }
notify { 'n6': message => String(type({'a' => '10'})) }
notify { 'n7': message => chomp('3.5') }
$v0 = 3
notify { 'n8': message => [2, -5, 100][0] }
notify { 'n9': message => Hash([['a', 1]]) }

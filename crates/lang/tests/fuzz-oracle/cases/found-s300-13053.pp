Notify { withpath => notice }
notify { 'n1': message => (/a/ == -5) }
$v0 = {'b' => 'b'}
if (10 == 'ab,cd') {
  notify { 'n2': message => split('a', 'b') }
} else {
  notify { 'n3': message => Optional[String][[]] }
}
notify { 'n4': message => 1 }

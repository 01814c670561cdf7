Notify { withpath => x }
notify { 'n1': message => (false =~ Iterable) }
if ({'c' => -5, 'd' => 'ab,cd'} =~ Any) {
  notify { 'n2': message => Enum['a', 'b'][2.5] }
} else {
  notify { 'n3': message => {}['10'] }
}
notify { 'n4': message => ('Hello' < '') ? { true => 'é', default => 'A' } }

Notify { loglevel => x }
notify { 'n1': message => ['3.5', 10] }
unless empty('true') {
  notify { 'n2': message => max(42, 2) }
} else {
  notify { 'n3': message => length('42') }
}
notify { 'n4': message => String(type(Variant[Integer, String][{'d' => 7, 'a' => '0x1F', 'c' => 'abc'}], generalized)) }
notify { 'n5': message => {'c' => '3.5'} }

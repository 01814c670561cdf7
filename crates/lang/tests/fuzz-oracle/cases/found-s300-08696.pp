$v0 = ([-1] << ['0x1F']).all |$x| { $x =~ Integer }
Notify { loglevel => true }
notify { 'n1': message => (7 =~ String[0, 2]) }
unless (true =~ Iterable) {
  notify { 'n2': message => {'c' => 'abc'} }
} else {
  notify { 'n3': message => regsubst('ab,cd', 'b+', '\0') }
}

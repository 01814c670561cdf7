$r = /x+/
notify { 'describe4':
  message => rf::describe('s', 1, 2.5, true, undef, default, [undef, 'a'], {'k' => undef}, $r, Sensitive('p'), String[1], File['/f'], Class['rf']),
}
notify { 'describe3':
  message => rf3_describe('s', undef, [undef, 'a'], {'k' => undef}, $r, File['/f'], Class['rf'], 7),
}
notify { 'overloads': message => "${rf::which('a')} ${rf::which(3)} ${rf::which([1])}" }
notify { 'block': message => rf::each_twice([1, 2]) |$v| { $v * 10 } }
notify { 'calls_puppet': message => rf::calls_puppet(4) }
notify { 'calls_3x': message => rf3_calls_other('z') }
notify { 'global4': message => rf_global4('g') }
notify { 'scope_param': message => rf::with_scope() }
$repeated = rf::count('a', 'b', 'c')
notify { 'repeated': message => "${repeated}" }

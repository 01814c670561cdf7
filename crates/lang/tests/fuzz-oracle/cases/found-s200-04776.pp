$v0 = false
$v1 = Boolean(1) ? { true => '10', default => 'true' }
case ($v1 < 'Hello') {
  Iterable, /^a/: { notify { 'n1': message => type(default) } }
  default: { notify { 'n2': message => 'é' } }
}
notify { 'n3': message => true ? { true => $v1, default => $v1 } }

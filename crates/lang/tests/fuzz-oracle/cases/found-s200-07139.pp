case flatten(default) {
  /^a/: { notify { 'n1': message => ['abc', 2].filter |$x| { $x =~ String } } }
  default: { notify { 'n2': message => Boolean(Optional[Integer]) } }
}
notify { 'n3': message => -1 }
$v0 = sprintf('%d', -5)

# Ruby regexes have look-around and backreferences; a pattern must not silently match more.
$ahead  = 'foo1' =~ /foo(?!1)/
$behind = 'xbar' =~ /(?<=x)bar/
$not_behind = 'ybar' =~ /(?<!y)bar/
$backref = 'abab' =~ /^(ab)\1$/
type Port = Pattern[/^(?!0)[0-9]+$/]
notify { 'results':
  message => "${ahead} ${behind} ${not_behind} ${backref} ${'0815' =~ Port} ${'815' =~ Port}",
}
notify { 'captures':
  message => 'key=value; other=thing'.match(/(?<=key=)(\w+)/),
}
notify { 'replaced':
  message => regsubst('a"b\"c', '(?<!\\\\)"', "'", 'G'),
}

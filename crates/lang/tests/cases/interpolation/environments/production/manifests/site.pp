$name_var = 'world'
$h = { 'a' => { 'b' => 'deep' } }
$arr = ['x', 'y']
notify { 'interp':
  message => "hello $name_var ${name_var} ${h['a']['b']} ${facts['os']['family']} $facts ${arr[1]} \$literal \"q\" tab\tend ${::name_var} $h",
}
notify { 'single': message => 'no $interp \n here \\ \'q\'' }
notify { "title-${arr[0]}": }
notify { 'num': message => "${[1, 'a']} ${h['a']}" }
notify { 'match': message => "${1}" }
notify { 'unicode': message => "\u00e9\u{1F600}" }

$a = "tab\there\nnl \$x \"q\" \\ \u00e9 \u{1F600} \s."
$b = 'single \'q\' \\ \n'
notify { 'x': message => "${a}|${b}" }

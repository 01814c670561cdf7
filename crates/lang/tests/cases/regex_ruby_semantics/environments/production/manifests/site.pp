$m1 = "line1\nline2" =~ /^line2$/
$m2 = 'ABC' =~ /\h+/
$m3 = 'foo.bar' =~ /\Afoo\.bar\z/
$m4 = "a\nb" =~ /a.b/m
$m5 = 'Hello' =~ /hello/
$m6 = 'Hello' =~ /hello/i
notify { 'x': message => "${m1} ${m2} ${m3} ${m4} ${m5} ${m6}" }

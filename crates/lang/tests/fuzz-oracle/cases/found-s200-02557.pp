notify { 'n1': message => String([2, 'true']) }
notify { 'n2': message => Pattern[/^a/][[]] }
$v0 = String([0, 1, '0x1F'].reduce(0) |$m, $v| { $m + 1 })

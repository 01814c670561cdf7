$a = 1
[$a]
{ a => 1 }
notice(1)

notice(1)
'a' =~ /a/
if true { notice(1) }
case 1 { 1: { notice(2) } }
2

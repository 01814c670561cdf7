$a = @(END)
  line one
    indented
  | END
notify { 'margin': message => $a }
$b = @(END)
raw \t text $x
-END
notify { 'trim': message => $b }
$who = 'world'
$c = @("END"/tn)
  Hello ${who}\tand\n $who!
  | END
notify { 'interp': message => $c }
$d = @(ONE)
first
| ONE
$e = @(TWO)
second
|- TWO
notify { 'two': message => "${d}/${e}" }

$x = @(END:json)
  {"a": 1}
  | END
$y = @(END:pp)
  $a = $b
  | END

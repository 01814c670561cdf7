$x = @("END")
  a\qb $y
  | END

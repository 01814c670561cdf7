$x = @("END"/L)
  a\q ${y} \u12
  | END

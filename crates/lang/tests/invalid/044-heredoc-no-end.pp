$x = @(END)
  text
  NOTEND

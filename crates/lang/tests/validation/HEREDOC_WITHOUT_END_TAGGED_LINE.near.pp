notice(@(END))
  abc
  |- END

notice(@(END))
  abc
  - END


  type   Qux = Integer

type Qux = Integer

$x = assert_type(Iterable, default)

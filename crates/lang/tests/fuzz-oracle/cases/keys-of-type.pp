$x = keys(Tuple[Integer, String])

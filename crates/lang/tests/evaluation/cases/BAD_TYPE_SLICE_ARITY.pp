$x = Optional[Integer, String]

$x = Regexp[String]

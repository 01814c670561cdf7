$x = Hash[String, undef]

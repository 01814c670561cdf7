$x = 5.filter |$v| { true }

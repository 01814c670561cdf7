$x = "abc
"

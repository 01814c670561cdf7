define d(Enum['b', 'abc', 'a'] $x) { }
d { 'n': x => 'z' }

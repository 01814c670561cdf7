define d(Hash[String, Array[Integer]] $x) { }
d { 'a': x => { 'k' => [1, 'z'] } }

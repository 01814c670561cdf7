define d(Variant[Integer, Array[Integer]] $x) { }
d { 'a': x => ['b'] }

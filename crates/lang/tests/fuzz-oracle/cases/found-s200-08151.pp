$v0 = [100, 2, 42][1]
['a', 'b'].each |$v| {
  notify { "n1-${v}": message => { 'é' => ['b'], 'z' => Struct[{ 'a' => Integer }][Hash[String, Array[Integer]]] } }
}

$v0 = String(type(empty('abc'), generalized))
unless ([42, '0x1F'] =~ Array[Variant[Integer, String]]) {
  notify { 'n1': message => if true { -5 } else { 100 } }
} else {
  notify { 'n2': message => ([100, 3] + [-1, 'true']) }
}
['a', 'b'].each |$v| {
  notify { "n3-${v}": message => upcase(Any) }
}

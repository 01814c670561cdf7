['a', 'b'].each |$i, $v| {
  notify { "n1-${i}": message => Integer([]) }
}
$v0 = 'true'

[1].each |$x| {
  [2].each |$y| {
    $z = $y =~ 1
  }
}

file { '/a':
  ensure =>
}

file { '/a':
  /x/ => 1,
}

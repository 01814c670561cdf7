file { '/tmp/a':
  mode +> '0644',
}

define d() {
  fail('in define')
}
d { 'x': }

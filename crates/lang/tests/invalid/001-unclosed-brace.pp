class a {
  notice('x')

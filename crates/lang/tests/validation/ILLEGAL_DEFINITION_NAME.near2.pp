class a {
  notice(1)
  function f() { 1 }
}

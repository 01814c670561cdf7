class a {
  notice(1)
  function a::f() { 1 }
}

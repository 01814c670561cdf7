class a(
  $x,
  $x,
  $name,
) {
  "done"
}

class a(
  $name = 1,
) {}

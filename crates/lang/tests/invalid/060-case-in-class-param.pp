class a(
  $x = case 1 { default: { 1 } }
  $y
) {}

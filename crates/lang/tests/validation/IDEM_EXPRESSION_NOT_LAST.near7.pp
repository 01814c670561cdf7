case $x {
  1: { }
  default: { notice(1) }
}
$y = 1

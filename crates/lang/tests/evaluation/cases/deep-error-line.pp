class c {
  $a = [1, 2]
  $b = $a.map |$x| {
    $x / 0
  }
}
include c

class c($a = 1, $b = $a + 1, $c = "${a}-${b}") {
  notify { "v-${a}-${b}-${c}": }
}
include c

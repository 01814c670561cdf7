define d0(Boolean $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']:  }
$v0 = (5.step(2).map |$x| { $x } =~ Scalar)
$v1 = sort(['A', 7, -1]).slice(2).map |$p| { size($p) }

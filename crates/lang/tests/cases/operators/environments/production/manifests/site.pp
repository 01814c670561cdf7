$a = -7 % 3
$b = 7 / 2
$c = 010 + 0x10
$d = 'abc' == 'ABC'
$e = 'a' < 'B'
$f = 'bar' in 'foobar'
$g = 'x' in ['a', 'X']
$h = 'k' in { 'k' => 1 }
$i = [1, 2] + [3, [4]]
$j = { 'a' => 1 } + { 'b' => 2 }
$k = [1, 2, 3, 2] - [2]
$l = 'hello'[1, 3]
$m = [1, 2, 3][-1]
$n = 'abc' =~ /b/
$o = 'abc' !~ /z/
$p = !true or (true and false)
$q = 1 << 4
$r = 2.5 * 2
$s = [1] << 2
$t = 10 - 2 - 3
$u = 1 + 2 * 3
$v = 'A' != 'a'
$w = 1 == 1.0
$x = undef == ''
notify { 'ops':
  message => [$a, $b, $c, $d, $e, $f, $g, $h, $i, $j, $k, $l, $m, $n, $o, $p, $q, $r, $s, $t, $u, $v, $w, $x],
}

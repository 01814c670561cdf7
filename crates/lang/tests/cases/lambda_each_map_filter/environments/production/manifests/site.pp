$a = [1, 2, 3, 4]
$doubled = $a.map |$x| { $x * 2 }
$even = $a.filter |$x| { $x % 2 == 0 }
$h = { 'a' => 1, 'b' => 2 }
$keys = $h.map |$k, $v| { "${k}=${v}" }
$hf = $h.filter |$k, $v| { $v > 1 }
$a.each |$i, $x| { notify { "each-${i}-${x}": } }
$h.each |$pair| { notify { "pair-${pair[0]}": message => "${pair[1]}" } }
notify { 'results': message => "${doubled} ${even} ${keys} ${hf}" }

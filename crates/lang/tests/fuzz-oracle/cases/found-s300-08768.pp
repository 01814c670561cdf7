notify { 'n1': message => Numeric[Array[String, 1]] }
notify { 'n2': message => (String(true) == {'d' => 2, 'c' => 2, 'a' => 3}.filter |$k, $v| { $k != 'b' }) }
class c0(Scalar $p = 3) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
contain c0
notify { 'n5': message => (Hash(['a', 1, 'b', 2]) - {}.filter |$k, $v| { $k != 'a' }) }

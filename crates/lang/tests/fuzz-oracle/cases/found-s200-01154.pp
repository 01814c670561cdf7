notify { 'n1': message => Boolean(Hash[String, Integer]) }
unless empty([100, 'x y']) {
  notify { 'n2': message => ('a' == {'c' => '3.5', 'b' => 10}) }
} else {
  notify { 'n3': message => ({'a' => '10', 'b' => 0} - ['42']) }
}
$v0 = Hash([])

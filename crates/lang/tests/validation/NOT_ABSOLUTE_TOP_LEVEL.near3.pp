function mymod::f(Integer $a, Optional[String] $b = undef) >> Integer {
  $c = $a * 2
  $c + 1
}
type Mymod::Port = Integer[1, 65535]
type Mymod::Conf = Struct[{ name => String, Optional[port] => Mymod::Port }]

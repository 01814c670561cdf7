class base (
  String $msg = 'hello',
  Integer $count = 3,
  $derived = "${msg}-x",
  Optional[String] $opt = undef,
) {
  notify { "base: ${msg} ${count} ${derived}": }
}
class { 'base':
  msg => 'over',
}

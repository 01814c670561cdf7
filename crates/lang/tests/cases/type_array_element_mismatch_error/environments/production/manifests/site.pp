class t(Array[String] $names) {}
class { 't': names => ['a', 1] }

class c(Array[Integer, 2] $x) { }
class { 'c': x => [1] }

class c(Enum['a', 'b'] $x) { }
class { 'c': x => 'z' }

class c(Enum['b', 'a'] $p) { }
class { 'c': p => 'x' }

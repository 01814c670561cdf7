class a inherits b { }
class b($x = 1) {}
include a
class { "b": x => 2 }

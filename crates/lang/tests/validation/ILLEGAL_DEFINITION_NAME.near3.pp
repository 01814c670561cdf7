class a::b::c { }
class ::d { }
define e::f { }

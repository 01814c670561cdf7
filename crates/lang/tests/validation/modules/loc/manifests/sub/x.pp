# near miss: nested namespace
class loc::sub::x {}
function loc::sub::x::f() { 1 }
type Loc::Sub::X::T = Integer

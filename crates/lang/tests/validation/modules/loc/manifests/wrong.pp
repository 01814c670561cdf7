# ILLEGAL_DEFINITION_LOCATION
class other {}
define loc::wrong::d {}
function wrong() { 1 }

class plan::x {}
function plan() {}

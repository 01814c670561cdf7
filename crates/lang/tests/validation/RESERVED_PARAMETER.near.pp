define d($names) {}
function f($name) {}

function (String $x) {}

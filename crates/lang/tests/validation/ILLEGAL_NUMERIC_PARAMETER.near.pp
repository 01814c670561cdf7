define d($a1) {}

define d($name) {}

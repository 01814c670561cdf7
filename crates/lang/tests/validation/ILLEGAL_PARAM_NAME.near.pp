define d($foo, $_bar) {}

define foo($tag = 'x') {}
define foo2($tag = 'x') {}

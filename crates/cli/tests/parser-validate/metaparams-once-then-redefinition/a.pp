define foo($tag = 'x', $noop = true) {}

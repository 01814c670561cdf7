foo_unknown { 'x': }

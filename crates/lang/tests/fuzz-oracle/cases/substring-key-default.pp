$x = 'abc'[default]

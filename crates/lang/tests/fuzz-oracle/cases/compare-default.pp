$x = default < 'a'

$x = Boolean('')

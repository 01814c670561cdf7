$x = Notify['nope']['message']

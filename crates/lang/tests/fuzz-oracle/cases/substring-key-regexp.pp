$x = 'abc'[/a/]

$x = assert_type(Pattern[/^a/], 'b')

notice(1) ->

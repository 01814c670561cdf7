File <| |> -> File["/a"] ->
notice(1)

$x = [File <| |>]

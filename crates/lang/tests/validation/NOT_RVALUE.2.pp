notice(-File <| |>)

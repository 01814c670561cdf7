File <| |>
File <| |> -> Package <| |>

File["/a"] -> $x <- Package["b"]
File <| |> -> Class["a"] ~> Service <| |>

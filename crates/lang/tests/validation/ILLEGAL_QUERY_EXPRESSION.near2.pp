File <| title == $x and (tag != "a" or 1 == 1) |>
File <| title == $x.foo |>

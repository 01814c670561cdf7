File <| (title == 'a' or mode != '1') and tag == $x |>

@@File { mode => "0644" }
@File <| |>

Notify <| nope == 'x' |>
notify { 'a': }

@notify { 'v1': }
@notify { 'v2': message => 'two' }
notify { 'real': }
Notify <| |>

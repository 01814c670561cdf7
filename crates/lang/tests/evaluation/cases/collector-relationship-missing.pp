Notify <| |> -> Notify['missing']
notify { 'a': }

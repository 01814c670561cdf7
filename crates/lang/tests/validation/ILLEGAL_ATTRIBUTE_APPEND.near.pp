File['/tmp/a'] { mode +> '0644' }
File <| |> { mode +> '0644' }

File <| title == 'a' 

$x = @()
abc


$x = @("END":json/L)
{}
END

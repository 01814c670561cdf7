notice($0, $10)

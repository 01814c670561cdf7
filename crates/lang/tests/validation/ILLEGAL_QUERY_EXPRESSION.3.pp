File <<| mode > 1 |>>

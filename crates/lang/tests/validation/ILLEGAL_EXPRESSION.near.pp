type A = Integer[1]
notice(1)

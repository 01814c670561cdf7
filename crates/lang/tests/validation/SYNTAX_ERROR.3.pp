notice(1,

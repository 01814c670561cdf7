notice(::foo::bar)

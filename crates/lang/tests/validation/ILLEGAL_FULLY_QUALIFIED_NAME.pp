notice(::foo::)

notice(Foo::Bar::baz)

define Foo::Bar() {}

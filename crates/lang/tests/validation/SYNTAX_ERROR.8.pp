type Foo {
  attributes => {}
}

define bar() {}

define bar() {}
define bar() {}

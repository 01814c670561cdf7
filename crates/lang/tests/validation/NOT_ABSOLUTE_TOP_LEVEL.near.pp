function f() { 1 }
type T = Integer

class c { contain nope }
include c

class empty {}
define empty_d() {}
include empty
empty_d { 'x': }

include a::b::c
include a

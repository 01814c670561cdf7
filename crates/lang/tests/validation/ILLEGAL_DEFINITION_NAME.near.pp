class a_b::c {}

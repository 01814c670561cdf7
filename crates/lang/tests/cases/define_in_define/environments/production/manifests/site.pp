define outer_d() { inner_d { "${title}-in": } }
define inner_d() { notify { "n-${title}": } }
outer_d { 'o': }

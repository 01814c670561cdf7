$e = $settings::environment
$m = $settings::manifest ? { undef => 'none', default => 'set' }
notify { 'x': message => "${e} ${m}" }

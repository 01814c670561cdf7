$osf = $facts['os']['family']
if $osf == 'debian' {
  notify { 'if-branch': }
} elsif $osf == 'RedHat' {
  notify { 'elsif-branch': }
} else {
  notify { 'else-branch': }
}
unless $osf == 'Windows' { notify { 'unless-body': } }
case $facts['os']['name'] {
  'RedHat', 'CentOS': { $pkg = 'httpd' }
  /^(Deb|Ubu)/: { $pkg = "apache2-${1}" }
  default: { $pkg = 'unknown' }
}
notify { "case: ${pkg}": }
$size = $facts['processors']['count'] ? {
  1       => 'small',
  [2, 3]  => 'medium',
  default => 'large',
}
notify { "selector: ${size}": }
$sel2 = 'Foo' ? { /^f(o+)$/ => 'matched', default => 'n' }
notify { "selector2: ${sel2}": }
case 5 { Integer: { notify { 'type-case': } } }

class web {
  tag 'frontend', 'nginx'
  notify { 'w': tag => ['extra'] }
}
include web
$t = tagged('frontend')
notify { 'top': message => "${t}" }

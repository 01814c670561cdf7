node 'node2.example.com' {
  include nginx::nginx_web
}

node 'node3.example.com' {
  include nginx::nginx_web
}

node /^web\d+\./ {
  include nginx
}

node default {
  notify { 'no specific node definition': }
}

node /^(web)(\d+)\./ {
  notify { "role-${1}-${2}": }
}
node default { notify { 'default': } }

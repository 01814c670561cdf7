$where = 'top'
class showvars {
  notify { "where=${where} top=${::where} fact=${::hostname}": }
}
node 'n1.example.com' {
  $where = 'node'
  include showvars
  notify { "in node ${where} ${::where}": }
}

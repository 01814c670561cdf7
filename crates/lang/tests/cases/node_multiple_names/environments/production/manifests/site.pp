$topvar = 'top'
node 'a.example.com', 'b.example.com' {
  $nodevar = 'nv'
  include shown
}
class shown { notify { "node ${nodevar} ${topvar}": } }

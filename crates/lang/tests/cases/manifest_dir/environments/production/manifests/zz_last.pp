notify { "from zz ${shared}": }

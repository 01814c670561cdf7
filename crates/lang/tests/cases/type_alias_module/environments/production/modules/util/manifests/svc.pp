class util::svc(Util::Port $port) {
  notify { "svc-${port}": }
}

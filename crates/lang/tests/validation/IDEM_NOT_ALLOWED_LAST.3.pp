node default {
  undef
}

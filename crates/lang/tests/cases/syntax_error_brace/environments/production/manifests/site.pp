class a {
  notice("x")

node default {
}

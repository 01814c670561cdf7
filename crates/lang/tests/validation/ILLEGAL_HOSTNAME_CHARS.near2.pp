node /^web\d+$/, "db.example.com", default {
  include foo
}
node "a_b-c.d" {}

class c {
  fail("class ${title} failed")
}
include c

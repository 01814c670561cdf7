class a { notify { 'in a': } }
class b { notify { 'in b': } }
class c { notify { 'in c': } }
class d::e { notify { 'in d::e': } }
class outer {
  contain c
  require b
}
include a, b
include outer
include a
include 'd::e'
include ::a

function mymod::double(Integer $x) >> Integer {
  $x * 2
}
function greet(String $who, String $greeting = 'Hello') {
  "${greeting}, ${who}!"
}
notify { 'x': message => "${mymod::double(21)} ${greet('you')} ${greet('me', 'Hi')}" }

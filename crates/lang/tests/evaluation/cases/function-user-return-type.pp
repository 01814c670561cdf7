function f() >> Integer { 'a' }
$y = f()

/* abc
*/ $x = 1

$x = Struct[{ 'a' => Integer }] + 1

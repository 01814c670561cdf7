$x = assert_type(Struct[{ 'a' => Integer }], { 'b' => 1 })

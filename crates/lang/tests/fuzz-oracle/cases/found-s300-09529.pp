$v0 = 2
notify { 'n1': message => (Struct[{ 'a' => Integer }]['3.5'] =~ Optional[Integer]) }

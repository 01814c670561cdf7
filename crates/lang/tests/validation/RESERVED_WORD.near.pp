$x = 'private'
$y = { 'attr' => 1 }

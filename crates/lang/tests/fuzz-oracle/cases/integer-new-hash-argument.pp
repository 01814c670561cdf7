$x = Integer({ 'from' => 1 })

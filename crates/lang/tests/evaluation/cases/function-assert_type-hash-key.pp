$x = assert_type(Hash[String, Integer], { 'a' => 'b' })

$x = assert_type(Array[Integer], [1, 'b'])

node 'a.example-1.com', b_c {}

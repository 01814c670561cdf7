notify { [1]: }

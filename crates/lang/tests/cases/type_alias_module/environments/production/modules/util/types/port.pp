type Util::Port = Integer[1, 65535]

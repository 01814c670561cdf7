class a($x = [1].map |$v| { $y = $v }) {}

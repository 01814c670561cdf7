@file { "/a": }
@@file { "/b": }
realize(File["/a"])
File <<| |>>

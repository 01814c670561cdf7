tag([1])

require nope

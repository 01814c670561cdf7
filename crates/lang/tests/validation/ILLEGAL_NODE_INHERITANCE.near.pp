node a {}
class b inherits c {}

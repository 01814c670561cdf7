function a::f() {}

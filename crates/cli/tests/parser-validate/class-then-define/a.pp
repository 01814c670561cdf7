class foo {}
define foo() {}

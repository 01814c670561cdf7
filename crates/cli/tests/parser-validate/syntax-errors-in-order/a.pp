class foo {}
class foo {}

class a { class foo {} }
class a::foo {}

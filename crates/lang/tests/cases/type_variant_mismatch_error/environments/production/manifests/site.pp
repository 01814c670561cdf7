class t(Variant[Integer, Enum['auto']] $x) {}
class { 't': x => 'manual' }

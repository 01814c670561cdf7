require 'puppet/parameter/boolean'

Puppet::Type.newtype(:rt_thing) do
  @doc = 'A type whose namevar is not name.'
  ensurable
  newparam(:key, namevar: true) do
    desc 'The key.'
    validate { |v| raise ArgumentError, 'empty' if v.empty? }
  end
  newproperty(:value) do
    newvalues(/\d+/)
  end
  newparam(:force, boolean: true, parent: Puppet::Parameter::Boolean)
  autorequire(:file) { ['/etc/rt'] }
end

Puppet::Type.newtype(:rt_pair) do
  newparam(:name) do
    isnamevar
  end
  newparam(:first) do
    isnamevar
  end
  newparam(:second) do
    isnamevar
    defaultto 'none'
  end
  newproperty(:note)

  def self.title_patterns
    [
      [/^([^:]+):([^:]+)$/, [[:first], [:second]]],
      [/^(.*)$/, [[:name]]],
    ]
  end
end
